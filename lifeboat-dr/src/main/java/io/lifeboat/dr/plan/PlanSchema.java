package io.lifeboat.dr.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.dr.plan.PlanModel.Bool;
import io.lifeboat.dr.plan.PlanModel.Int;
import io.lifeboat.dr.plan.PlanModel.Key;
import io.lifeboat.dr.plan.PlanModel.ListOf;
import io.lifeboat.dr.plan.PlanModel.Obj;
import io.lifeboat.dr.plan.PlanModel.Shape;
import io.lifeboat.dr.plan.PlanModel.Text;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of plan files, for editors: generated from the same model
 * {@link PlanReader} reads plans with, so the two agree on every key, type, allowed value
 * and default. It checks what a schema can (types, unknown keys, required keys, value
 * syntax, one source per asset); rules between values (residency, replication targets, RPO
 * against the schedule) only {@code lifeboat plan validate} checks.
 *
 * <p>The repository keeps a copy as {@code docs/lifeboat.schema.json}.
 */
public final class PlanSchema {
    private static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private PlanSchema() {}

    /** The schema as indented JSON, ending with a newline; the same text every time. */
    public static String jsonSchema() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withArrayEmptySeparator("").withObjectEmptySeparator(""))
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        try {
            return new ObjectMapper().writer(printer).writeValueAsString(schema()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every key a plan can have, as paths with {@code []} for list items, e.g.
     * {@code sites[].repository} or {@code assets[].policy.retention.keep-daily}, in model order.
     */
    public static List<String> keys() {
        List<String> out = new ArrayList<>();
        collectKeys(PlanModel.PLAN, "", out);
        return List.copyOf(out);
    }

    private static void collectKeys(Shape shape, String prefix, List<String> out) {
        if (shape instanceof ListOf l) {
            collectKeys(l.item(), prefix + "[]", out);
        } else if (shape instanceof Obj o) {
            for (Key k : o.keys()) {
                String path = prefix.isEmpty() ? k.name() : prefix + "." + k.name();
                out.add(path);
                collectKeys(k.shape(), path, out);
            }
        }
    }

    private static Map<String, Object> schema() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", DIALECT);
        root.put("title", "Lifeboat protection plan");
        root.putAll(object(PlanModel.PLAN));
        Map<String, Object> defs = new LinkedHashMap<>();
        for (Obj o : PlanModel.objects()) {
            if (o != PlanModel.PLAN) {
                defs.put(o.name(), object(o));
            }
        }
        root.put("$defs", defs);
        return root;
    }

    private static Map<String, Object> object(Obj o) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("description", o.description());
        s.put("type", "object");
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Key k : o.keys()) {
            properties.put(k.name(), property(k));
        }
        s.put("properties", properties);
        List<String> required = o.keys().stream().filter(Key::required).map(Key::name).toList();
        if (!required.isEmpty()) {
            s.put("required", required);
        }
        if (!o.exactlyOneOf().isEmpty()) {
            s.put("oneOf", o.exactlyOneOf().stream().map(k -> Map.of("required", List.of(k))).toList());
        }
        s.put("additionalProperties", false);
        return s;
    }

    private static Map<String, Object> property(Key k) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("description", k.description());
        s.putAll(shape(k.shape()));
        if (k.jsonDefault() != null) {
            s.put("default", k.jsonDefault());
        }
        return s;
    }

    private static Map<String, Object> shape(Shape shape) {
        Map<String, Object> s = new LinkedHashMap<>();
        switch (shape) {
            case Obj o -> s.put("$ref", "#/$defs/" + o.name());
            case ListOf l -> {
                s.put("type", "array");
                s.put("items", shape(l.item()));
                if (l.minItems() > 0) {
                    s.put("minItems", l.minItems());
                }
            }
            case Text t -> {
                s.put("type", "string");
                if (!t.allowed().isEmpty()) {
                    s.put("enum", t.allowed());
                } else if (t.jsonPattern() != null) {
                    s.put("pattern", t.jsonPattern());
                }
            }
            case Int i -> {
                s.put("type", "integer");
                if (i.min() == i.max()) {
                    s.put("const", i.min());
                } else {
                    s.put("minimum", i.min());
                    if (i.max() != Integer.MAX_VALUE) {
                        s.put("maximum", i.max());
                    }
                }
            }
            case Bool b -> s.put("type", "boolean");
        }
        return s;
    }
}
