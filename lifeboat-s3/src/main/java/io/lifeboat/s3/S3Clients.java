package io.lifeboat.s3;

import io.lifeboat.core.storage.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the SDK client of one store, and reads its credentials.
 *
 * <p>Credentials come from the location's environment first ({@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}; else {@code AWS_PROFILE} with
 * {@code AWS_SHARED_CREDENTIALS_FILE} / {@code AWS_CONFIG_FILE}), then the SDK's default
 * chain (the process environment, system properties, profiles, container and instance
 * roles).
 *
 * <p>The client is configured for what Lifeboat does itself: no SDK retries (see
 * {@link io.lifeboat.core.storage.Retry}); checksums only where S3 requires them, as every upload carries its
 * Content-MD5 and S3-compatible stores differ in the newer checksum headers; and no
 * {@code Expect: 100-continue}, which the URL-connection client cannot combine with an
 * early answer such as the 412 of a conditional write.
 */
final class S3Clients {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private S3Clients() {}

    /**
     * @param httpClient    wraps the HTTP client (tests inject faults); identity otherwise
     * @param interceptors  SDK interceptors (tests capture requests)
     */
    static S3Client build(S3Settings settings, AwsCredentialsProvider credentials,
                          UnaryOperator<SdkHttpClient> httpClient, List<ExecutionInterceptor> interceptors) {
        SdkHttpClient http = httpClient.apply(UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .build());
        S3ClientBuilder b = S3Client.builder()
                .httpClient(http)
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(c -> c.expectContinueEnabled(false))
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    interceptors.forEach(o::addExecutionInterceptor);
                });
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        Region region = region(settings);
        b.region(region);
        if (settings.region() == null && settings.endpoint() == null) {
            b.crossRegionAccessEnabled(true); // a guessed region: follow the bucket to its own
        }
        return b.build();
    }

    /** The configured region; else the SDK's chain; else us-east-1 (S3-compatible stores mostly ignore it). */
    private static Region region(S3Settings settings) {
        if (settings.region() != null) {
            return Region.of(settings.region());
        }
        if (settings.endpoint() == null) {
            try {
                return new DefaultAwsRegionProviderChain().getRegion();
            } catch (SdkClientException e) {
                // none configured anywhere: cross-region access finds the bucket's
            }
        }
        return Region.US_EAST_1;
    }

    /**
     * The credentials for {@code location}.
     *
     * @throws IllegalArgumentException if only half of a key pair is given
     */
    static AwsCredentialsProvider credentials(StoreLocation location) {
        String id = blankToNull(location.env("AWS_ACCESS_KEY_ID"));
        String secret = blankToNull(location.env("AWS_SECRET_ACCESS_KEY"));
        String token = blankToNull(location.env("AWS_SESSION_TOKEN"));
        if (id != null && secret != null) {
            return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(id, secret)
                    : AwsSessionCredentials.create(id, secret, token));
        }
        if (id != null || secret != null) {
            throw new IllegalArgumentException((id != null ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")
                    + " is set but " + (id != null ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID")
                    + " is not; give both, or neither to use a profile or role");
        }
        String profile = blankToNull(location.env("AWS_PROFILE"));
        String credentialsFile = blankToNull(location.env("AWS_SHARED_CREDENTIALS_FILE"));
        String configFile = blankToNull(location.env("AWS_CONFIG_FILE"));
        if (profile != null || credentialsFile != null || configFile != null) {
            return ProfileCredentialsProvider.builder()
                    .profileFile(profileFile(credentialsFile, configFile))
                    .profileName(profile == null ? "default" : profile)
                    .build();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** The values a message must never show: the key pair and token of the location's environment. */
    static List<String> secrets(StoreLocation location) {
        List<String> out = new ArrayList<>();
        for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) {
            if (location.env(name) != null) {
                out.add(location.env(name));
            }
        }
        return out;
    }

    private static ProfileFile profileFile(String credentialsFile, String configFile) {
        if (credentialsFile == null && configFile == null) {
            return ProfileFile.defaultProfileFile();
        }
        ProfileFile.Aggregator files = ProfileFile.aggregator();
        addIfPresent(files, configFile, ProfileFile.Type.CONFIGURATION);
        addIfPresent(files, credentialsFile, ProfileFile.Type.CREDENTIALS);
        return files.build();
    }

    private static void addIfPresent(ProfileFile.Aggregator files, String path, ProfileFile.Type type) {
        if (path != null && Files.isRegularFile(Path.of(path))) {
            files.addFile(ProfileFile.builder().content(Path.of(path)).type(type).build());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
