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

    /**
     * How long ago, for people, to the coarsest two units: {@code 45s}, {@code 12m},
     * {@code 3h 20m}, {@code 5d 2h}. A negative age (a clock ahead of this one) is
     * {@code in the future}.
     */
    static String age(Duration d) {
        if (d.isNegative()) {
            return "in the future";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }
}
