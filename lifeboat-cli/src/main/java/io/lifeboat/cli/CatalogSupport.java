package io.lifeboat.cli;

import io.lifeboat.catalog.AsOf;
import io.lifeboat.catalog.ModelVersion;
import io.lifeboat.catalog.RecoveryPoint;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** What the model and recovery-point commands share: who writes, --as-of, JSON shapes. */
final class CatalogSupport {
    private CatalogSupport() {}

    /** {@code user@host}, recorded in every catalog event. */
    static String who(RepoCommand c) {
        return RepoCommand.username() + "@" + c.hostname();
    }

    /** The moment of {@code --as-of}, or null (now) when it is not given. */
    static Instant asOf(Context ctx, String text) {
        if (text == null) {
            return null;
        }
        try {
            return AsOf.parse(text, ctx.clock().instant(), ZoneId.systemDefault());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code KEY=VALUE} pairs of a repeatable option. */
    static SortedMap<String, String> pairs(String option, List<String> raw) {
        SortedMap<String, String> out = new TreeMap<>();
        for (String p : raw) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new UsageException(option + " '" + p + "' is not KEY=VALUE");
            }
            out.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return out;
    }

    /** {@code KEY=NUMBER} pairs of {@code --metric}. */
    static SortedMap<String, Double> metrics(List<String> raw) {
        SortedMap<String, Double> out = new TreeMap<>();
        for (Map.Entry<String, String> e : pairs("--metric", raw).entrySet()) {
            double v;
            try {
                v = Double.parseDouble(e.getValue());
            } catch (NumberFormatException ex) {
                throw new UsageException("--metric " + e.getKey() + "=" + e.getValue() + ": the value must be a number"
                        + " (use --param for text)");
            }
            if (!Double.isFinite(v)) {
                throw new UsageException("--metric " + e.getKey() + ": the value must be a finite number");
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    static Map<String, Object> versionJson(ModelVersion v) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", v.model());
        o.put("version", v.version());
        o.put("snapshot", v.snapshot().hex());
        o.put("registered", v.registered().toString());
        o.put("registeredBy", v.registeredBy());
        o.put("aliases", v.aliases());
        o.put("metrics", v.metrics());
        o.put("params", v.params());
        if (v.lineage() != null) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("datasetSnapshot", v.lineage().datasetSnapshot().hex());
            l.put("datasetAsset", v.lineage().datasetAsset());
            l.put("datasetRef", v.lineage().datasetRef());
            o.put("lineage", l);
        } else {
            o.put("lineage", null);
        }
        o.put("codeRev", v.codeRev());
        o.put("deleted", v.deleted() == null ? null : Map.of("time", v.deleted().time().toString(),
                "who", v.deleted().who(), "reason", v.deleted().reason()));
        return o;
    }

    static Map<String, Object> recoveryPointJson(RecoveryPoint rp) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", rp.name());
        o.put("id", rp.id().hex());
        o.put("time", rp.time().toString());
        o.put("who", rp.who());
        o.put("members", rp.members().stream().map(m -> {
            Map<String, Object> mo = new LinkedHashMap<>();
            mo.put("asset", m.asset());
            mo.put("kind", m.kind());
            mo.put("role", m.role().json());
            mo.put("snapshot", m.snapshot().hex());
            mo.put("model", m.model());
            mo.put("version", m.model() == null ? null : m.version());
            return mo;
        }).toList());
        o.put("registry", io.lifeboat.catalog.RecoveryPoints.registryJson(rp));
        return o;
    }

    /** Metrics as {@code k=v, k=v} for a table. */
    static String metricsLine(SortedMap<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(number(v)));
        return sb.toString();
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
