#pragma once
/// A FIFO in a growable ring buffer: O(1) push and pop, no allocation once it has grown to the
/// run's peak length (std::deque allocates a block every few hundred pushes).

#include <cstddef>
#include <vector>

namespace tpssim::models {

template <class T>
class RingBuffer {
public:
    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }

    void push(const T& v) {
        if (size_ == buf_.size()) grow();
        buf_[(head_ + size_) & (buf_.size() - 1)] = v;
        ++size_;
    }
    T pop() {
        const T v = buf_[head_];
        head_ = (head_ + 1) & (buf_.size() - 1);
        --size_;
        return v;
    }
    const T& front() const { return buf_[head_]; }
    /// The i-th element from the front (i < size()).
    T& operator[](std::size_t i) { return buf_[(head_ + i) & (buf_.size() - 1)]; }
    void clear() {
        head_ = 0;
        size_ = 0;
    }

private:
    void grow() {
        std::vector<T> bigger(buf_.empty() ? 16 : buf_.size() * 2);
        for (std::size_t i = 0; i < size_; ++i)
            bigger[i] = buf_[(head_ + i) & (buf_.size() - 1)];
        buf_.swap(bigger);
        head_ = 0;
    }

    std::vector<T> buf_; // size is 0 or a power of two
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

} // namespace tpssim::models