package io.lifeboat.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The measurements of a whole-process benchmark and their Markdown tables: per step the
 * median and the spread (min–max over the rounds) for each tool, and Lifeboat's ratios to
 * the other tools.
 */
final class Report {
    /** One timed step of one tool in one round; {@code load} is the 1-minute load average before it. */
    record Sample(int round, String tool, String step, Harness.Timing timing, String load) {}

    /** One step as the tables show it; {@code speedupTarget} is issue 3's target against restic (0: none). */
    record Step(String key, String title, double speedupTarget) {}

    private static final double MIB = 1024 * 1024;
    private static final double MB = 1e6;

    final List<Sample> samples = new ArrayList<>();
    /** tool -> size key -> bytes per round. */
    final Map<String, Map<String, List<Long>>> sizes = new LinkedHashMap<>();

    void add(int round, String tool, String step, Harness.Timing t, String loadBefore) {
        samples.add(new Sample(round, tool, step, t, loadBefore));
    }

    void size(String tool, String key, long bytes) {
        sizes.computeIfAbsent(tool, k -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>()).add(bytes);
    }

    double[] values(String tool, String step, ToDoubleFunction<Harness.Timing> f) {
        return samples.stream().filter(s -> s.tool().equals(tool) && s.step().equals(step)).mapToDouble(s -> f.applyAsDouble(s.timing()))
                .toArray();
    }

    double[] sizes(String tool, String key) {
        return sizes.getOrDefault(tool, Map.of()).getOrDefault(key, List.of()).stream().mapToDouble(Long::doubleValue).toArray();
    }

    /** Per round, the other tool's wall time over Lifeboat's (a speed-up when above 1). */
    double[] perRoundSpeedup(String other, String step) {
        List<Double> r = new ArrayList<>();
        for (Sample l : samples) {
            if (l.tool().equals("lifeboat") && l.step().equals(step)) {
                for (Sample o : samples) {
                    if (o.tool().equals(other) && o.step().equals(step) && o.round() == l.round()) {
                        r.add(o.timing().wall() / l.timing().wall());
                    }
                }
            }
        }
        return r.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * A step's table: wall seconds, throughput over {@code logicalBytes} (the data the step
     * covers; 0 for none), CPU seconds, CPU utilisation and peak RSS, medians (min–max).
     */
    String stepTable(Step step, List<String> tools, long logicalBytes) {
        StringBuilder b = new StringBuilder();
        b.append("### ").append(step.title()).append("\n\n");
        b.append("| tool | wall s | ").append(logicalBytes > 0 ? "MB/s | " : "").append("CPU s (user+sys) | CPU util (cpu/wall) | peak RSS MiB |\n");
        b.append("|---|---:|").append(logicalBytes > 0 ? "---:|" : "").append("---:|---:|---:|\n");
        for (String tool : tools) {
            double[] wall = values(tool, step.key(), Harness.Timing::wall);
            if (wall.length == 0) {
                continue;
            }
            b.append("| ").append(tool).append(" | ").append(Harness.spread(wall, "%.2f")).append(" | ");
            if (logicalBytes > 0) {
                double[] tput = values(tool, step.key(), t -> logicalBytes / MB / Math.max(t.wall(), 0.005));
                b.append(Harness.spread(tput, "%.0f")).append(" | ");
            }
            b.append(Harness.spread(values(tool, step.key(), Harness.Timing::cpu), "%.2f")).append(" | ")
                    .append(Harness.spread(values(tool, step.key(), Harness.Timing::utilisation), "%.2f")).append(" | ")
                    .append(Harness.spread(values(tool, step.key(), t -> t.maxRssKiB() / 1024.0), "%.0f")).append(" |\n");
        }
        return b.append('\n').toString();
    }

    /** Lifeboat against each other tool: speed-ups (their median wall / Lifeboat's) and peak-RSS ratios. */
    String ratioTable(List<Step> steps, List<String> tools) {
        List<String> others = tools.stream().filter(t -> !t.equals("lifeboat")).toList();
        if (!tools.contains("lifeboat") || others.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("### Lifeboat against the others\n\n");
        b.append("Speed-up = the other tool's median wall time / Lifeboat's (above 1: Lifeboat is faster), with the range of the ")
                .append("per-round ratios in parentheses. Peak RSS ratio = Lifeboat's median / the other tool's (below 1: Lifeboat uses less).\n\n");
        b.append("| step |");
        for (String o : others) {
            b.append(" speed-up vs ").append(o).append(" |");
        }
        if (others.contains("restic")) {
            b.append(" target vs restic (issue 3) |");
        }
        for (String o : others) {
            b.append(" peak RSS lifeboat/").append(o).append(" |");
        }
        b.append("\n|---|");
        b.append("---:|".repeat(others.size() * 2 + (others.contains("restic") ? 1 : 0))).append('\n');
        for (Step s : steps) {
            double[] lw = values("lifeboat", s.key(), Harness.Timing::wall);
            if (lw.length == 0) {
                continue;
            }
            b.append("| ").append(s.title()).append(" |");
            double vsRestic = Double.NaN;
            for (String o : others) {
                double[] ow = values(o, s.key(), Harness.Timing::wall);
                if (ow.length == 0) {
                    b.append(" – |");
                    continue;
                }
                double ratio = Harness.median(ow) / Harness.median(lw);
                if (o.equals("restic")) {
                    vsRestic = ratio;
                }
                double[] per = perRoundSpeedup(o, s.key());
                b.append(Harness.fmt(" %.2fx", ratio));
                if (per.length > 1) {
                    b.append(Harness.fmt(" (%.2f–%.2f)", Harness.min(per), Harness.max(per)));
                }
                b.append(" |");
            }
            if (others.contains("restic")) {
                if (s.speedupTarget() > 0 && !Double.isNaN(vsRestic)) {
                    b.append(Harness.fmt(" >= %.0fx: %s |", s.speedupTarget(), vsRestic >= s.speedupTarget() ? "met" : "not met"));
                } else {
                    b.append(" – |");
                }
            }
            double lr = Harness.median(values("lifeboat", s.key(), t -> t.maxRssKiB()));
            for (String o : others) {
                double[] or = values(o, s.key(), t -> t.maxRssKiB());
                b.append(or.length == 0 ? " – |" : Harness.fmt(" %.2f |", lr / Harness.median(or)));
            }
            b.append('\n');
        }
        return b.append('\n').toString();
    }

    /** Stored bytes (du -sb of each repository) after each listed point, and Lifeboat's ratios. */
    String storedTable(List<String> tools, Map<String, String> keys) {
        StringBuilder b = new StringBuilder("### Stored bytes (du -sb of the repository)\n\n| tool |");
        for (String title : keys.values()) {
            b.append(' ').append(title).append(" MiB |");
        }
        for (String title : keys.values()) {
            b.append(" lifeboat/tool ").append(title).append(" |");
        }
        b.append("\n|---|").append("---:|".repeat(keys.size() * 2)).append('\n');
        for (String tool : tools) {
            b.append("| ").append(tool).append(" |");
            for (String key : keys.keySet()) {
                double[] v = sizes(tool, key);
                b.append(v.length == 0 ? " – |" : " " + Harness.spread(scale(v, 1 / MIB), "%.1f") + " |");
            }
            for (String key : keys.keySet()) {
                double[] v = sizes(tool, key);
                double[] l = sizes("lifeboat", key);
                b.append(v.length == 0 || l.length == 0 ? " – |" : Harness.fmt(" %.3f |", Harness.median(l) / Harness.median(v)));
            }
            b.append('\n');
        }
        return b.append('\n').toString();
    }

    private static double[] scale(double[] v, double f) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] *= f;
        }
        return r;
    }

    /** Every sample, in the order they were taken. */
    String rawTable() {
        StringBuilder b = new StringBuilder("### Every measurement, in the order taken\n\n");
        b.append("| round | tool | step | wall s | user s | sys s | CPU util | peak RSS KiB | load before |\n");
        b.append("|---:|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Sample s : samples) {
            Harness.Timing t = s.timing();
            b.append(Harness.fmt("| %d | %s | %s | %.2f | %.2f | %.2f | %.2f | %d | %s |%n", s.round() + 1, s.tool(), s.step(), t.wall(),
                    t.user(), t.sys(), t.utilisation(), t.maxRssKiB(), s.load()));
        }
        return b.append('\n').toString();
    }
}
