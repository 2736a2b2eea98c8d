package io.lifeboat.dr.plan;

import java.util.Collection;

/** "Did you mean ...?" for misspelt keys, values and names. */
final class Suggestions {
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {}

    /** The known word closest to {@code word} if it is at most two edits away (and not the word itself), else null. */
    static String closest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String k : known) {
            int d = distance(word, k);
            if (d > 0 && d < bestDistance && d < Math.max(word.length(), k.length())) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** {@code " (did you mean 'x'?)"}, or empty. */
    static String hint(String word, Collection<String> known) {
        String c = closest(word, known);
        return c == null ? "" : " (did you mean '" + c + "'?)";
    }

    /** Levenshtein distance of the lower-cased words; words that differ only in case are one edit apart. */
    static int distance(String a, String b) {
        String x = a.toLowerCase(java.util.Locale.ROOT);
        String y = b.toLowerCase(java.util.Locale.ROOT);
        if (x.equals(y)) {
            return a.equals(b) ? 0 : 1;
        }
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[y.length()];
    }
}
