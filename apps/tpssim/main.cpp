#include "apps/tpssim/cli.hpp"

#include <string>
#include <vector>

int main(int argc, char** argv) {
    tpssim::install_interrupt_handler();
    const std::vector<std::string> args(argv + 1, argv + argc);
    return tpssim::run_cli(args, stdout, stderr);
}
