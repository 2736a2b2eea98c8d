package io.lifeboat.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number, size and time formats for people. */
final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Format() {}

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    static String rate(long bytes, Duration d) {
        double s = Math.max(d.toNanos(), 1) / 1e9;
        return String.format(Locale.ROOT, "%.1f MiB/s", bytes / s / (1024 * 1024));
    }

    static String duration(Duration d) {
        double s = d.toNanos() / 1e9;
        if (s < 60) {
            return String.format(Locale.ROOT, "%.2f s", s);
        }
        return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }
}
