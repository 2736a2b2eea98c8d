package io.lifeboat.dr.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A site: a region or location with its repository.
 *
 * @param repository   the site's repository URL ({@code file:/...}, {@code s3://...}, {@code azure://...}); it holds one
 *                     repository per residency domain below it (see {@link Domains})
 * @param jurisdiction where it is, for residency ({@code eu}, {@code us}, ...), lower case
 * @param passwordFile the passphrase of this site's repositories, or null for the usual sources
 * @param options      backend options ({@code s3-endpoint}, {@code s3-path-style}), as on the command line
 * @param endpoints    model-serving endpoints (used by failover, later)
 * @param probes       health probes (used by failover, later)
 * @param line         the line of the plan file where it is defined (1-based), 0 if unknown
 */
public record Site(String name, String repository, String jurisdiction, Role role, Standby standby,
                   Path passwordFile, Map<String, String> options, List<Endpoint> endpoints, List<Probe> probes,
                   int line) {
    public Site {
        options = Map.copyOf(options);
        endpoints = List.copyOf(endpoints);
        probes = List.copyOf(probes);
    }

    public enum Role { PRIMARY, SECONDARY }

    public enum Standby { HOT, WARM, COLD }

    /** A serving endpoint: a name and its URL. */
    public record Endpoint(String name, String url) {}

    /** A health probe: an HTTP GET that must answer {@code expectStatus} within {@code timeout}. */
    public record Probe(String url, Duration interval, Duration timeout, int expectStatus) {}
}
