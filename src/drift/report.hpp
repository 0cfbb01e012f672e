#pragma once
// Writes a comparison as JSON, as a Markdown table and as PNG plots drawn by gnuplot.
#include <string>
#include <vector>

#include "drift/comparison.hpp"
#include "drift/ensemble_stats.hpp"

namespace drift {

struct NamedEnsemble {
  std::string label;
  const EnsembleStats* stats;
  SteinDiscrepancy stein{};  // reference-free metrics of this ensemble; count 0 when not computed
};

std::string comparisons_to_json(const NamedEnsemble& reference, const std::vector<Comparison>& rows,
                                const MetricSettings& settings);
std::string comparisons_to_markdown(const NamedEnsemble& reference, const std::vector<Comparison>& rows,
                                    const MetricSettings& settings);

// Writes plot data and a gnuplot script into dir and runs gnuplot; returns the PNG paths.
// Throws std::runtime_error when gnuplot fails.
std::vector<std::string> write_plots(const std::string& dir, const NamedEnsemble& reference,
                                     const std::vector<NamedEnsemble>& samples, const std::string& gnuplot = "gnuplot");

}  // namespace drift
