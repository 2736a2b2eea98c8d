package io.lifeboat.dr.plan;

import java.util.List;
import java.util.TreeSet;

/**
 * Residency domains. A site holds one repository per domain, below its URL
 * ({@code <site url>/<domain>}): {@code global} for assets that may be stored anywhere,
 * else the allowed jurisdictions sorted and joined with {@code +} ({@code eu},
 * {@code eu+us}). Assets of different domains never share a repository, so never a pack,
 * an index file or a snapshot: replicating a domain's repository to a site copies only
 * data that site's jurisdiction allows, byte for byte.
 */
public final class Domains {
    public static final String GLOBAL = "global";

    private Domains() {}

    public static String of(List<String> residency) {
        if (residency.isEmpty()) {
            return GLOBAL;
        }
        return String.join("+", new TreeSet<>(residency));
    }

    /** Whether a site of {@code jurisdiction} may hold the repository of {@code domain}. */
    public static boolean allows(String domain, String jurisdiction) {
        return domain.equals(GLOBAL) || List.of(domain.split("\\+")).contains(jurisdiction);
    }

    /** The URL of a domain's repository at a site. */
    public static String repository(String siteUrl, String domain) {
        return siteUrl.endsWith("/") ? siteUrl + domain : siteUrl + "/" + domain;
    }
}
