package io.lifeboat.dr.plan;

import io.lifeboat.dr.plan.Locations.Position;
import io.lifeboat.dr.plan.PlanModel.Bool;
import io.lifeboat.dr.plan.PlanModel.Int;
import io.lifeboat.dr.plan.PlanModel.Key;
import io.lifeboat.dr.plan.PlanModel.ListOf;
import io.lifeboat.dr.plan.PlanModel.Obj;
import io.lifeboat.dr.plan.PlanModel.Shape;
import io.lifeboat.dr.plan.PlanModel.Text;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a YAML node tree against a {@link PlanModel} shape: checks types, keys (unknown,
 * duplicate, missing), allowed values and each value's own syntax, reports every problem
 * with its line, and returns what could be read. A value with a problem is left out, and
 * the rest is still read, so that later checks see as much of the plan as possible. Not
 * thread-safe; one binder reads one file.
 */
final class Binder {
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);
    private static final int SHOWN_CHARS = 40;

    private final Problems problems;
    private final Map<String, Position> positions = new HashMap<>();
    private final Set<String> unread = new HashSet<>();

    Binder(Problems problems) {
        this.problems = problems;
    }

    /** A value read from the file: a String or parsed value, Integer, Boolean, List of Bound, or Fields. */
    record Bound(Object value, Position at) {}

    /** The keys of one mapping: the values that could be read, and where every written key was. */
    static final class Fields {
        final String path;
        final Position at;
        private final Map<String, Bound> values = new LinkedHashMap<>();
        private final Map<String, Position> written = new LinkedHashMap<>();

        Fields(String path, Position at) {
            this.path = path;
            this.at = at;
        }

        /** Whether the key was written, whether or not its value could be read. */
        boolean has(String key) {
            return written.containsKey(key);
        }

        /** The keys that were written, in file order. */
        Set<String> written() {
            return java.util.Collections.unmodifiableSet(written.keySet());
        }

        /** Whether every key that was written could be read. */
        boolean complete() {
            return values.size() == written.size();
        }

        /** The value, or null if it was not written or could not be read. */
        @SuppressWarnings("unchecked")
        <T> T value(String key) {
            Bound b = values.get(key);
            return b == null ? null : (T) b.value();
        }

        /** The items of a list, or none. */
        List<Bound> list(String key) {
            List<Bound> l = value(key);
            return l == null ? List.of() : l;
        }

        /** Where the key's value was written, else this mapping's place. */
        Position at(String key) {
            Bound b = values.get(key);
            return b != null ? b.at() : written.getOrDefault(key, at);
        }

        /** The path of a key, for {@link Locations}. */
        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    /** The paths of the values that could not be read at all (their problems are reported). */
    Set<String> unread() {
        return unread;
    }

    /** Where every node that was read lies, by path. */
    Map<String, Position> positions() {
        return positions;
    }

    static Position position(Node node) {
        return node.getStartMark().map(Binder::position).orElse(Position.UNKNOWN);
    }

    static Position position(Mark mark) {
        return new Position(mark.getLine() + 1, mark.getColumn() + 1);
    }

    /**
     * Reads {@code node} as {@code shape}.
     *
     * @param path  where the node is, e.g. {@code sites[0].name}
     * @param label how messages name the value, e.g. {@code name}
     * @return the value, or null if it could not be read (a problem was reported)
     */
    Bound bind(Node node, Shape shape, String path, String label) {
        Bound bound = bindNode(node, shape, path, label);
        if (bound == null) {
            unread.add(path);
        }
        return bound;
    }

    private Bound bindNode(Node node, Shape shape, String path, String label) {
        Position at = position(node);
        positions.put(path, at);
        if (!PLAIN_TAGS.contains(node.getTag())) {
            problems.error(at, label + ": YAML tags such as '" + node.getTag().getValue() + "' are not allowed in a plan");
            return null;
        }
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            problems.error(at, label + " has no value" + (shape instanceof ListOf ? " (write [] for none, or leave the key out)"
                    : shape instanceof Obj ? " (leave the key out for none)" : ""));
            return null;
        }
        return switch (shape) {
            case Obj o -> bindObject(node, o, path, label, at);
            case ListOf l -> bindList(node, l, path, label, at);
            case Text t -> bindText(node, t, label, at);
            case Int i -> bindInt(node, i, label, at);
            case Bool b -> bindBool(node, b, label, at);
        };
    }

    private Bound bindObject(Node node, Obj shape, String path, String label, Position at) {
        if (!(node instanceof MappingNode mapping)) {
            return wrongType(node, shape, label, at);
        }
        Fields fields = new Fields(path, at);
        Set<String> suggested = new HashSet<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            Position keyAt = position(keyNode);
            if (!(keyNode instanceof ScalarNode k) || !k.getTag().equals(Tag.STR)) {
                problems.error(keyAt, "a key must be a plain name, not " + describe(keyNode));
                continue;
            }
            String name = k.getValue();
            if (name.equals("<<")) {
                problems.error(keyAt, "merge keys '<<' are not supported: repeat the keys, or use an alias for the whole"
                        + " value");
                continue;
            }
            if (fields.has(name)) {
                problems.error(keyAt, "duplicate key '" + name + "' (first at line " + fields.written.get(name).line() + ")");
                continue;
            }
            Key key = shape.key(name);
            if (key == null) {
                String closest = Suggestions.closest(name, shape.keyNames());
                if (closest != null) {
                    suggested.add(closest);
                }
                problems.error(keyAt, "unknown key '" + name + "' in " + describe(shape) + (closest != null
                        ? " (did you mean '" + closest + "'?)" : "; known keys: " + String.join(", ", shape.keyNames())));
                continue;
            }
            fields.written.put(name, keyAt);
            Bound value = bind(tuple.getValueNode(), key.shape(), fields.path(name), name);
            if (value != null) {
                fields.values.put(name, value);
            }
        }
        for (Key key : shape.keys()) {
            if (key.required() && !fields.has(key.name()) && !suggested.contains(key.name())) {
                problems.error(at, describe(shape) + " has no '" + key.name() + "' (required)");
            }
        }
        checkExactlyOne(shape, fields);
        return new Bound(fields, at);
    }

    private void checkExactlyOne(Obj shape, Fields fields) {
        if (shape.exactlyOneOf().isEmpty()) {
            return;
        }
        List<String> present = shape.exactlyOneOf().stream().filter(fields::has).toList();
        if (present.isEmpty()) {
            problems.error(fields.at, shape.oneOfRule() + "; this one has none");
        } else if (present.size() > 1) {
            problems.error(fields.written.get(present.get(1)), shape.oneOfRule() + "; this one has "
                    + String.join(" and ", present));
        }
    }

    private Bound bindList(Node node, ListOf shape, String path, String label, Position at) {
        if (!(node instanceof SequenceNode sequence)) {
            return wrongType(node, shape, label, at);
        }
        List<Bound> items = new ArrayList<>();
        List<Node> nodes = sequence.getValue();
        for (int i = 0; i < nodes.size(); i++) {
            Bound item = bind(nodes.get(i), shape.item(), path + "[" + i + "]", label);
            if (item != null) {
                items.add(item);
            }
        }
        if (nodes.size() < shape.minItems()) {
            problems.error(at, label + " is empty: it needs at least " + shape.minItems() + " item"
                    + (shape.minItems() == 1 ? "" : "s"));
        }
        return new Bound(List.copyOf(items), at);
    }

    private Bound bindText(Node node, Text shape, String label, Position at) {
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.STR)) {
            return wrongType(node, shape, label, at);
        }
        String value = scalar.getValue();
        if (!shape.allowed().isEmpty() && !shape.allowed().contains(value)) {
            problems.error(at, label + ": '" + shorten(value) + "' is not one of " + String.join(", ", shape.allowed())
                    + Suggestions.hint(value, shape.allowed()));
            return null;
        }
        try {
            return new Bound(shape.parse().apply(value), at);
        } catch (IllegalArgumentException e) {
            problems.error(at, label + ": " + e.getMessage());
            return null;
        }
    }

    private Bound bindInt(Node node, Int shape, String label, Position at) {
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.INT)) {
            return wrongType(node, shape, label, at);
        }
        String text = scalar.getValue();
        if (!text.matches("[-+]?\\d{1,18}")) {
            problems.error(at, label + ": write " + text + " as a decimal number");
            return null;
        }
        long v = Long.parseLong(text);
        if (v < shape.min() || v > shape.max()) {
            problems.error(at, label + " must be " + (shape.min() == shape.max() ? String.valueOf(shape.min())
                    : shape.max() == Integer.MAX_VALUE ? shape.min() + " or more" : "from " + shape.min() + " to " + shape.max())
                    + ", not " + v);
            return null;
        }
        return new Bound((int) v, at);
    }

    private Bound bindBool(Node node, Bool shape, String label, Position at) {
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.BOOL)) {
            return wrongType(node, shape, label, at);
        }
        return new Bound(Boolean.parseBoolean(scalar.getValue().toLowerCase(java.util.Locale.ROOT)), at);
    }

    private Bound wrongType(Node node, Shape shape, String label, Position at) {
        String hint = "";
        if (node instanceof ScalarNode s && shape instanceof Text t && !s.getTag().equals(Tag.STR)) {
            hint = t == PlanModel.DURATION || t == PlanModel.SCHEDULE ? " (write it with a unit, e.g. 90s or 15m)"
                    : " (quote it to make it a string)";
        }
        problems.error(at, label + ": expected " + shape.what() + ", got " + describe(node) + hint);
        return null;
    }

    private static String describe(Obj shape) {
        String name = shape.name();
        return name.equals("plan") ? "the plan" : ("aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)) {
            return "the number " + shorten(s.getValue());
        }
        if (s.getTag().equals(Tag.BOOL)) {
            return "the boolean " + s.getValue();
        }
        return "the string '" + shorten(s.getValue()) + "'";
    }

    private static String shorten(String s) {
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "...";
    }
}
