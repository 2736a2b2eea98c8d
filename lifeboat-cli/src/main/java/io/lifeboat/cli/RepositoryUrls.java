package io.lifeboat.cli;

import java.nio.file.Path;

/** Parses repository URLs. */
final class RepositoryUrls {
    private RepositoryUrls() {}

    /** A local path from {@code /path}, {@code relative/path} or {@code file:/path}. */
    static Path localPath(String url) {
        if (url.startsWith("s3://") || url.startsWith("azure://")) {
            throw new UsageException("repository " + url + ": the S3 and Azure backends are not in this build yet; "
                    + "use a local path");
        }
        if (!url.startsWith("file:") && url.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new UsageException("unknown repository URL scheme in " + url + " (use a path, file:/path, s3:// or azure://)");
        }
        String path = url.startsWith("file:") ? url.substring("file:".length()) : url;
        if (path.startsWith("//")) {
            path = path.substring(1); // file:///x -> //x -> /x
        }
        if (path.isEmpty()) {
            throw new UsageException("empty repository path");
        }
        return Path.of(path).toAbsolutePath().normalize();
    }
}
