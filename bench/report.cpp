#include "bench/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace petrade::bench {

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string node_list(const watch_report& w, const std::function<std::string(const node_share&)>& f) {
  std::string s;
  for (auto& n : w.nodes)
    s += (s.empty() ? "" : " ") + n.name + "=" + f(n);
  return s;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

} // namespace

std::string csv_header() {
  return "scenario,mix,target,nodes,strategy,quota_cores,concurrency,requests,completion_s,throughput_rps,"
         "p50_ms,p95_ms,p99_ms,max_ms,failures,failure_reasons,drain_s,platform_cpu_s,platform_peak_rss_mb,"
         "peak_queued,node_cpu,node_zone_I_II_III,node_attempt_share\n";
}

std::string csv_line(const run_row& r) {
  std::ostringstream o;
  auto& w = r.watch;
  o << r.scenario << ',' << r.mix << ',' << r.target << ',' << r.nodes << ',' << r.strategy << ','
    << r.quota << ',' << r.concurrency << ',' << r.requests << ',' << fixed(r.completion_s, 3) << ','
    << fixed(r.throughput, 1) << ',' << fixed(r.latency.p50_ms, 2) << ',' << fixed(r.latency.p95_ms, 2) << ','
    << fixed(r.latency.p99_ms, 2) << ',' << fixed(r.latency.max_ms, 2) << ',' << r.latency.failed << ",\""
    << r.failure_reasons << "\"," << (r.drain_s < 0 ? std::string() : fixed(r.drain_s, 2)) << ',' << fixed(w.platform_cpu_seconds, 2) << ','
    << fixed(static_cast<double>(w.peak_rss) / 1e6, 1) << ',' << w.peak_queued << ",\""
    << node_list(w, [](auto& n) { return fixed(n.cpu, 2); }) << "\",\""
    << node_list(w, [](auto& n) { return fixed(n.zone[0], 2) + "/" + fixed(n.zone[1], 2) + "/" + fixed(n.zone[2], 2); })
    << "\",\"" << node_list(w, [](auto& n) { return fixed(n.attempts, 2); }) << "\"\n";
  return o.str();
}

std::string line_chart_svg(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<series>& lines, bool log_x) {
  const double W = 640, H = 400, left = 70, right = 150, top = 40, bottom = 50;
  double xmin = INFINITY, xmax = -INFINITY, ymax = 0;
  auto tx = [&](double x) { return log_x ? std::log10(std::max(x, 1e-9)) : x; };
  for (auto& s : lines)
    for (auto& [x, y] : s.points) {
      xmin = std::min(xmin, tx(x));
      xmax = std::max(xmax, tx(x));
      ymax = std::max(ymax, y);
    }
  if (!(xmax > xmin)) {
    xmin = std::isfinite(xmin) ? xmin - 1 : 0;
    xmax = xmin + 2;
  }
  ymax = ymax > 0 ? ymax * 1.1 : 1;
  auto px = [&](double x) { return left + (tx(x) - xmin) / (xmax - xmin) * (W - left - right); };
  auto py = [&](double y) { return H - bottom - y / ymax * (H - top - bottom); };
  static const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"};
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << W / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" << escape(title) << "</text>\n"
    << "<line x1=\"" << left << "\" y1=\"" << H - bottom << "\" x2=\"" << W - right << "\" y2=\"" << H - bottom
    << "\" stroke=\"black\"/>\n<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\""
    << H - bottom << "\" stroke=\"black\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    double y = ymax * i / 4;
    o << "<text x=\"" << left - 6 << "\" y=\"" << py(y) + 4 << "\" text-anchor=\"end\">" << fixed(y, y < 10 ? 2 : 0)
      << "</text>\n<line x1=\"" << left << "\" y1=\"" << py(y) << "\" x2=\"" << W - right << "\" y2=\"" << py(y)
      << "\" stroke=\"#ddd\"/>\n";
  }
  std::vector<double> xs;
  for (auto& s : lines)
    for (auto& p : s.points)
      xs.push_back(p.first);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (double x : xs)
    o << "<text x=\"" << px(x) << "\" y=\"" << H - bottom + 16 << "\" text-anchor=\"middle\">" << fixed(x, 0)
      << "</text>\n";
  o << "<text x=\"" << (left + W - right) / 2 << "\" y=\"" << H - 12 << "\" text-anchor=\"middle\">"
    << escape(x_label) << "</text>\n<text transform=\"translate(16," << (top + H - bottom) / 2
    << ") rotate(-90)\" text-anchor=\"middle\">" << escape(y_label) << "</text>\n";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto colour = colours[i % 8];
    auto pts = lines[i].points;
    std::sort(pts.begin(), pts.end());
    o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
    for (auto& [x, y] : pts)
      o << fixed(px(x), 1) << ',' << fixed(py(y), 1) << ' ';
    o << "\"/>\n";
    for (auto& [x, y] : pts)
      o << "<circle cx=\"" << fixed(px(x), 1) << "\" cy=\"" << fixed(py(y), 1) << "\" r=\"3\" fill=\"" << colour
        << "\"/>\n";
    double ly = top + 10 + 18 * static_cast<double>(i);
    o << "<rect x=\"" << W - right + 12 << "\" y=\"" << ly - 9 << "\" width=\"12\" height=\"12\" fill=\"" << colour
      << "\"/>\n<text x=\"" << W - right + 30 << "\" y=\"" << ly + 1 << "\">" << escape(lines[i].name) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string markdown_runs(const std::vector<run_row>& rows) {
  std::ostringstream o;
  o << "| scenario | mix | target | nodes | strategy | concurrency | requests | completion s | req/s | p50 ms | "
       "p95 ms | p99 ms | failures | platform CPU s | peak RSS MB | peak queued |\n"
    << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (auto& r : rows)
    o << "| " << r.scenario << " | " << r.mix << " | " << r.target << " | " << r.nodes << " | " << r.strategy
      << " | " << r.concurrency << " | " << r.requests << " | " << fixed(r.completion_s, 2) << " | "
      << fixed(r.throughput, 0) << " | " << fixed(r.latency.p50_ms, 1) << " | " << fixed(r.latency.p95_ms, 1)
      << " | " << fixed(r.latency.p99_ms, 1) << " | " << r.latency.failed << " | "
      << fixed(r.watch.platform_cpu_seconds, 1) << " | " << fixed(static_cast<double>(r.watch.peak_rss) / 1e6, 0)
      << " | " << r.watch.peak_queued << " |\n";
  return o.str();
}

std::string markdown_targets(const std::vector<target_row>& rows) {
  std::ostringstream o;
  o << "| target | goal | measured | met |\n|---|---|---|---|\n";
  for (auto& t : rows)
    o << "| " << t.name << " | " << t.goal << " | " << t.measured << " | " << (t.met ? "yes" : "**no**") << " |\n";
  return o.str();
}

} // namespace petrade::bench
