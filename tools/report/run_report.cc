#include "tools/report/run_report.h"

#include <algorithm>
#include <cmath>

#include "tools/report/format.h"

namespace locosim::report {
namespace {

// One line of a chart: a method of a run, with a color that it keeps in every figure.
struct SeriesRef {
  const RunResults* run;
  const MethodResult* method;
  std::string label;
  int color;
};

// Grouped by method name (in order of first appearance), then by run: the same method of
// different runs sits side by side.
std::vector<SeriesRef> AllSeries(const std::vector<RunResults>& runs) {
  std::vector<std::string> names;
  for (const RunResults& r : runs) {
    for (const MethodResult& m : r.methods) {
      if (std::find(names.begin(), names.end(), m.name) == names.end()) names.push_back(m.name);
    }
  }
  std::vector<SeriesRef> out;
  for (const std::string& name : names) {
    for (const RunResults& r : runs) {
      for (const MethodResult& m : r.methods) {
        if (m.name == name) {
          const std::string label = runs.size() == 1 ? m.name : r.label + "/" + m.name;
          out.push_back({&r, &m, label, static_cast<int>(out.size())});
        }
      }
    }
  }
  return out;
}

std::string Stragglers(const Modelled& m, int replicas) {
  if (m.stragglers == 0) return "none";
  return std::to_string(m.stragglers) + " of " + std::to_string(replicas) + " replicas, " +
         FormatNumber(m.straggler_slowdown) + "x slower";
}

Table TrainedAndModelled(const std::vector<RunResults>& runs) {
  Table t;
  t.header = {""};
  for (const RunResults& r : runs) t.header.push_back(r.label);
  auto row = [&](const std::string& name, auto value) {
    std::vector<std::string> cells = {name};
    for (const RunResults& r : runs) cells.push_back(value(r));
    t.rows.push_back(std::move(cells));
  };
  row("scenario (seed)",
      [](const RunResults& r) { return r.name + " (seed " + std::to_string(r.seed) + ")"; });
  row("TRAINED: model", [](const RunResults& r) { return r.trained.model; });
  row("trained parameters", [](const RunResults& r) {
    return std::to_string(r.trained.parameters) + " (" +
           FormatBytes(static_cast<double>(r.trained.model_bytes)) + ")";
  });
  row("data", [](const RunResults& r) { return r.trained.data.value_or("none (timing only)"); });
  row("replicas x steps", [](const RunResults& r) {
    return std::to_string(r.trained.replicas) + " x " + std::to_string(r.trained.steps_per_replica);
  });
  row("MODELLED: payload per sync", [](const RunResults& r) {
    return FormatBytes(static_cast<double>(r.modelled.payload_bytes)) + " (" +
           r.modelled.payload_source + ")";
  });
  row("compute per inner step", [](const RunResults& r) {
    std::string s = FormatSeconds(r.modelled.step_time_s) + " (" + r.modelled.compute_source + ")";
    if (r.modelled.target_parameters) {
      s += "; target " + FormatNumber(*r.modelled.target_parameters) + " parameters";
      if (r.modelled.tokens_per_step)
        s += ", " + FormatNumber(*r.modelled.tokens_per_step) + " tokens per step";
    }
    return s;
  });
  row("jitter, stragglers", [](const RunResults& r) {
    return "sigma " + FormatNumber(r.modelled.jitter_sigma) + "; " +
           Stragglers(r.modelled, r.trained.replicas);
  });
  row("network", [](const RunResults& r) {
    const Modelled& m = r.modelled;
    return m.backend + " backend on " + m.topology +
           (m.topology_file.empty() ? "" : " (" + m.topology_file + ")") + ", " +
           std::to_string(m.nodes) + " nodes, " + std::to_string(m.links) + " links";
  });
  row("target loss",
      [](const RunResults& r) { return r.target_loss ? FormatNumber(*r.target_loss) : "none"; });
  return t;
}

Table MethodTable(const std::vector<SeriesRef>& series) {
  Table t;
  t.header = {"run/method",   "kind",     "H",        "final eval loss",  "time to target",
              "virtual time", "idle p50", "idle p99", "sync latency p50", "sync latency p99",
              "bytes sent"};
  t.numeric = {false, false, true, true, true, true, true, true, true, true, true};
  for (const SeriesRef& s : series) {
    const MethodResult& m = *s.method;
    const std::string diverged =
        m.diverged_at_step ? "diverged at step " + std::to_string(*m.diverged_at_step) : "";
    const std::string to_target = !diverged.empty()    ? diverged
                                  : s.run->target_loss ? "not reached"
                                                       : "no target";
    t.rows.push_back({s.label, m.kind, std::to_string(m.inner_steps),
                      diverged.empty() ? FormatLoss(m.final_eval_loss) : "DIVERGED",
                      FormatOptionalSeconds(m.time_to_target_s, to_target),
                      FormatSeconds(m.virtual_time_s), FormatFraction(m.idle_p50),
                      FormatFraction(m.idle_p99), FormatSeconds(m.sync_p50_s),
                      FormatSeconds(m.sync_p99_s), FormatBytes(m.bytes_sent)});
  }
  // Classifiers' accuracy, or DPO's held-out preference accuracy and reward margin, where a
  // run has them.
  const auto any = [&](auto field) {
    return std::any_of(series.begin(), series.end(),
                       [&](const SeriesRef& s) { return (s.method->*field).has_value(); });
  };
  const auto add_column = [&](const char* name, auto field, auto format) {
    t.header.insert(t.header.begin() + 4, name);
    t.numeric.insert(t.numeric.begin() + 4, true);
    for (std::size_t i = 0; i < series.size(); ++i) {
      const auto& value = series[i].method->*field;
      t.rows[i].insert(t.rows[i].begin() + 4, value ? format(*value) : "-");
    }
  };
  if (any(&MethodResult::final_eval_reward_margin)) {
    add_column("final reward margin", &MethodResult::final_eval_reward_margin,
               [](double v) { return FormatFixed(v, 3); });
  }
  if (any(&MethodResult::final_eval_accuracy)) {
    add_column("final accuracy", &MethodResult::final_eval_accuracy,
               [](double v) { return FormatFraction(v); });
  }
  return t;
}

bool HasLosses(const std::vector<SeriesRef>& series) {
  for (const SeriesRef& s : series) {
    for (const EvalSample& e : s.method->eval_curve) {
      if (e.loss) return true;
    }
  }
  return false;
}

Figure LossFigure(const std::vector<SeriesRef>& series, bool by_time) {
  LineChart c;
  c.x_label = by_time ? "virtual time (s)" : "inner steps per replica";
  c.y_label = "eval loss of the mean model (nats)";
  // Methods whose times differ tenfold (DDP against DiLoCo) squeeze the fast ones into the
  // left of a linear axis; past 5x the time axis is logarithmic.
  double shortest = INFINITY, longest = 0;
  for (const SeriesRef& s : series) {
    const auto& curve = s.method->eval_curve;
    if (curve.empty() || curve.back().time_s <= 0) continue;
    shortest = std::min(shortest, curve.back().time_s);
    longest = std::max(longest, curve.back().time_s);
  }
  c.log_x = by_time && WantsLogTimeAxis(shortest, longest);
  if (c.log_x) c.x_label += ", log scale";
  for (const SeriesRef& s : series) {
    Series line{s.label, {}, s.color, false, true, {}, 0};
    for (const EvalSample& e : s.method->eval_curve) {
      if (!e.loss || (c.log_x && e.time_s <= 0)) continue;
      line.points.push_back({by_time ? e.time_s : static_cast<double>(e.step), *e.loss});
    }
    c.series.push_back(std::move(line));
  }
  if (by_time) {
    return {"loss_vs_time", "Eval loss against virtual time",
            "The proxy model's validation loss; time is the modelled target's, so a method that "
            "waits less gets further along this axis" +
                std::string(c.log_x ? "; a log axis because the methods' times differ more than "
                                      "5x, so the evaluation at time 0 is left out."
                                    : "."),
            c};
  }
  return {"loss_vs_steps", "Eval loss against steps",
          "The same evaluations by inner steps per replica: how much each method loses per step by "
          "communicating less.",
          c};
}

Figure BreakdownFigure(const std::vector<SeriesRef>& series) {
  StackedBars c;
  c.y_label = "virtual time per replica (s), mean";
  c.parts = {{"compute", {}}, {"communication", {}}, {"idle", {}}};
  for (const SeriesRef& s : series) {
    c.categories.push_back(s.label);
    c.parts[0].second.push_back(s.method->compute_s);
    c.parts[1].second.push_back(s.method->communicate_s);
    c.parts[2].second.push_back(s.method->idle_s);
  }
  return {"time_breakdown", "Compute, communication and idle time",
          "Mean over replicas of each replica's virtual time: its inner steps, its part of the "
          "collectives, and "
          "waiting for the rest of its group.",
          c};
}

// Every sync event's latency as an empirical CDF, thinned to at most 400 steps.
Figure LatencyFigure(const std::vector<SeriesRef>& series) {
  LineChart c;
  c.x_label = "sync latency (s): from reaching the sync point to resuming compute";
  c.y_label = "fraction of sync events";
  c.steps = true;
  double lo = INFINITY, hi = 0;
  for (const SeriesRef& s : series) {
    std::vector<double> v = s.method->sync_latencies_s;
    std::sort(v.begin(), v.end());
    Series line{s.label, {}, s.color, false, true, {}, 0};
    const std::size_t n = v.size();
    const std::size_t keep = std::min<std::size_t>(n, 400);
    for (std::size_t k = 0; k < keep; ++k) {
      const std::size_t i = keep == 1 ? n - 1 : k * (n - 1) / (keep - 1);
      line.points.push_back({v[i], static_cast<double>(i + 1) / static_cast<double>(n)});
    }
    if (n) {
      lo = std::min(lo, v.front());
      hi = std::max(hi, v.back());
    }
    c.series.push_back(std::move(line));
  }
  c.log_x = lo > 0 && hi / lo > 50;
  return {"sync_latency", "Sync latency distribution",
          "Cumulative distribution of every sync event's latency (idle + communication), from "
          "syncs.csv" +
              std::string(c.log_x ? "; log scale." : "."),
          c};
}

// Whether a method's busiest links all carried the same bytes (a symmetric star): which of
// them summary.json lists is then arbitrary, and a chart of them says nothing.
bool AllBusiestTie(const MethodResult& m) {
  const auto& links = m.busiest_links;
  return links.size() < 2 || std::all_of(links.begin(), links.end(), [&](const LinkLoad& l) {
           return std::abs(l.bytes - links.front().bytes) <= 1e-9 * links.front().bytes;
         });
}

Figure LinksFigure(const std::vector<SeriesRef>& series) {
  Bars c;
  c.y_label = "bytes carried in one direction (GB)";
  for (const SeriesRef& s : series) {
    c.group_names.push_back(s.label);
    if (AllBusiestTie(*s.method)) continue;
    const std::size_t top = std::min<std::size_t>(s.method->busiest_links.size(), 4);
    for (std::size_t i = 0; i < top; ++i) {
      const LinkLoad& l = s.method->busiest_links[i];
      c.labels.push_back(l.from + "->" + l.to);
      c.values.push_back(l.bytes / 1e9);
      c.groups.push_back(s.color);
    }
  }
  return {"busiest_links", "Busiest links",
          "The four link directions that carried the most bytes for each run/method "
          "(summary.json's busiest_links).",
          c};
}

}  // namespace

Document BuildRunReport(const std::vector<RunResults>& runs) {
  Document doc;
  std::string names;
  for (const RunResults& r : runs) names += (names.empty() ? "" : ", ") + r.label;
  doc.title = "locosim report: " + names;
  const std::vector<SeriesRef> series = AllSeries(runs);
  auto add_figure = [&doc](Figure f) {
    doc.figures.push_back(std::move(f));
    doc.blocks.push_back(FigureRef{doc.figures.size() - 1});
  };

  doc.blocks.push_back(Paragraph{
      "Losses come from the small model that was really trained (the proxy). Virtual times, idle "
      "fractions, sync "
      "latencies and bytes come from what was modelled: the payload on the wire, the compute time "
      "per step and "
      "the simulated network. Read the losses as the proxy's, and the times as the target's.",
      true});
  doc.blocks.push_back(Heading{2, "What was trained and what was modelled"});
  doc.blocks.push_back(TrainedAndModelled(runs));
  doc.blocks.push_back(Heading{2, "Methods"});
  doc.blocks.push_back(
      Paragraph{"Idle fraction: a replica's waiting time over its total (percentiles over "
                "replicas). Sync latency: from "
                "reaching a sync point to resuming compute (percentiles over sync events). Bytes: "
                "payload handed to the "
                "network by all replicas. Definitions in docs/results.md.",
                false});
  doc.blocks.push_back(MethodTable(series));
  doc.blocks.push_back(Heading{2, "Figures"});
  if (HasLosses(series)) {
    add_figure(LossFigure(series, true));
    add_figure(LossFigure(series, false));
  } else {
    doc.blocks.push_back(
        Paragraph{"No loss curves: these runs trained nothing (timing only).", true});
  }
  add_figure(BreakdownFigure(series));
  const bool synced = std::any_of(series.begin(), series.end(), [](const SeriesRef& s) {
    return !s.method->sync_latencies_s.empty();
  });
  if (synced) add_figure(LatencyFigure(series));
  const Figure links = LinksFigure(series);
  std::string ties;
  for (const SeriesRef& s : series) {
    if (AllBusiestTie(*s.method) && !s.method->busiest_links.empty())
      ties += (ties.empty() ? "" : "; ") + s.label + " " +
              FormatBytes(s.method->busiest_links.front().bytes) + " per link";
  }
  if (!std::get<Bars>(links.chart).labels.empty()) add_figure(links);
  if (!ties.empty()) {
    doc.blocks.push_back(Paragraph{
        "Busiest links: the links listed carried equal bytes, so none stands out (" + ties + ").",
        false});
  } else if (std::get<Bars>(links.chart).labels.empty()) {
    doc.blocks.push_back(
        Paragraph{"No link carried any bytes, so there are no busiest links to show.", false});
  }
  doc.blocks.push_back(Heading{2, "Sources"});
  Table sources;
  sources.header = {"run", "folder"};
  for (const RunResults& r : runs) sources.rows.push_back({r.label, r.dir});
  doc.blocks.push_back(sources);
  return doc;
}

}  // namespace locosim::report
