package io.lifeboat.dr.plan;

import java.util.List;

/**
 * An asset the plan protects, and where its data comes from: exactly one of
 * {@code paths}, {@code command} (whose standard output is stored as one file named
 * {@code streamName}), {@code env} (a secret read from an environment variable) or
 * {@code model} (a registered model, protected through the registry).
 *
 * @param paths absolute paths ({@link PlanReader} resolves relative ones against the plan's directory)
 * @param kind one of {@code dataset, model, checkpoint, config, secret, environment}
 * @param line the line of the plan file where it is defined (1-based), 0 if unknown
 */
public record AssetSpec(String name, String kind, List<String> paths, List<String> excludes, String command,
                        String streamName, String env, String model, Policy policy, int line) {
    public AssetSpec {
        paths = List.copyOf(paths);
        excludes = List.copyOf(excludes);
    }
}
