#pragma once
/// The dashboard page's assets, compiled into the program (apps/tpssim/dashboard/embed.cmake
/// generates their definitions at build time), so that `tpssim run --html` writes a page that
/// needs nothing beside it and the program needs no file at run time: the page's template,
/// script and style (apps/tpssim/dashboard/) and dygraphs 2.x, its script, style and zoom
/// synchronizer, from Debian's libjs-dygraphs (/usr/share/javascript/dygraphs/).

#include <string_view>

namespace tpssim::dashboard_assets {

extern const std::string_view kPageHtml;       ///< dashboard/page.html: the template
extern const std::string_view kPageJs;         ///< dashboard/page.js: builds the page from its data
extern const std::string_view kPageCss;        ///< dashboard/page.css
extern const std::string_view kDygraphJs;      ///< dygraph.min.js
extern const std::string_view kDygraphCss;     ///< dygraph.css
extern const std::string_view kSynchronizerJs; ///< extras/synchronizer.js: zoom one, zoom all

} // namespace tpssim::dashboard_assets
