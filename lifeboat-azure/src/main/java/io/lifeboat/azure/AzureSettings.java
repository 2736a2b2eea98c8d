package io.lifeboat.azure;

import io.lifeboat.core.storage.StoreLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an {@code azure://container/prefix} location asks for: the account and its
 * credentials, the immutability mode, the data tier and the transfer settings, read from
 * the location's environment and options (an option wins over its environment variable).
 * Every setting is checked here, so that a bad one fails at open with a message naming it.
 *
 * <p>Holds credentials: {@link #toString} never shows them, and neither does anything
 * built from this class (see {@link Redactor}).
 */
final class AzureSettings {
    static final String CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING";
    static final String ACCOUNT = "AZURE_STORAGE_ACCOUNT";
    static final String KEY = "AZURE_STORAGE_KEY";
    static final String SAS_TOKEN = "AZURE_STORAGE_SAS_TOKEN";
    static final String ENDPOINT = "AZURE_STORAGE_BLOB_ENDPOINT";
    static final String IMMUTABILITY = "LIFEBOAT_AZURE_IMMUTABILITY";
    static final String DATA_TIER = "LIFEBOAT_AZURE_DATA_TIER";

    static final int MIB = 1 << 20;
    /** Azure's largest block (4000 MiB); Lifeboat never needs close to it. */
    private static final int MAX_BLOCK_MIB = 1024;

    /** How the store authenticates; the secret fields are never printed. */
    enum CredentialKind { CONNECTION_STRING, SHARED_KEY, SAS }

    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z0-9]{3,24}");

    final String container;
    final String prefix;
    final CredentialKind credentialKind;
    /** The connection string, account key or SAS token, by {@link #credentialKind}. */
    final String secret;
    /** The account name, or null when only a connection string or endpoint names it. */
    final String account;
    /** The blob service endpoint, or null for the one the connection string or account implies. */
    final String endpoint;
    final Immutability immutability;
    /** Whether the immutability mode was given, rather than the default. */
    final boolean immutabilityExplicit;
    /** The tier of data packs, or null for the account's default tier. */
    final DataTier dataTier;
    final int blockSize;
    final int uploadThreads;
    final Duration retryTime;

    private AzureSettings(StoreLocation location) {
        container = requireContainer(location.container());
        prefix = location.prefix();
        String connection = nonEmpty(location.env(CONNECTION_STRING));
        String key = nonEmpty(location.env(KEY));
        String sas = nonEmpty(location.env(SAS_TOKEN));
        String accountName = nonEmpty(location.env(ACCOUNT));
        endpoint = setting(location, "azure-endpoint", ENDPOINT);
        if (connection != null) {
            credentialKind = CredentialKind.CONNECTION_STRING;
            secret = connection;
            account = null;
        } else if (key != null) {
            credentialKind = CredentialKind.SHARED_KEY;
            secret = key;
            account = requireAccount(accountName, KEY);
        } else if (sas != null) {
            credentialKind = CredentialKind.SAS;
            secret = sas.startsWith("?") ? sas.substring(1) : sas;
            account = endpoint == null ? requireAccount(accountName, SAS_TOKEN) : accountName;
        } else {
            throw new IllegalArgumentException("no Azure credentials for " + location + ": set " + CONNECTION_STRING
                    + ", or " + ACCOUNT + " with " + KEY + " or " + SAS_TOKEN + " (see docs/operations.md)");
        }
        if (endpoint != null && !endpoint.matches("(?i)https?://[^\\s?#]+")) {
            throw new IllegalArgumentException("the Azure blob endpoint must be an http(s) URL without a query, not '"
                    + Redactor.stripQuery(endpoint) + "'");
        }
        String mode = setting(location, "azure-immutability", IMMUTABILITY);
        immutability = Immutability.parse(mode, source(location, "azure-immutability", IMMUTABILITY));
        immutabilityExplicit = mode != null;
        dataTier = DataTier.parse(setting(location, "azure-data-tier", DATA_TIER),
                source(location, "azure-data-tier", DATA_TIER));
        blockSize = intSetting(location, "azure-block-size", "LIFEBOAT_AZURE_BLOCK_SIZE_MIB", 4, 1, MAX_BLOCK_MIB) * MIB;
        uploadThreads = intSetting(location, "azure-upload-threads", "LIFEBOAT_AZURE_UPLOAD_THREADS", 8, 1, 64);
        retryTime = Duration.ofSeconds(
                intSetting(location, "azure-retry-seconds", "LIFEBOAT_AZURE_RETRY_SECONDS", 120, 0, 86_400));
    }

    /**
     * Reads and checks the settings of {@code location}.
     *
     * @throws IllegalArgumentException naming the setting that is missing or wrong
     */
    static AzureSettings from(StoreLocation location) {
        if (!"azure".equals(location.scheme())) {
            throw new IllegalArgumentException(location + " is not an azure:// location");
        }
        return new AzureSettings(location);
    }

    /** The environment variables the credential came from, for messages. */
    String credentialSource() {
        return switch (credentialKind) {
            case CONNECTION_STRING -> CONNECTION_STRING;
            case SHARED_KEY -> ACCOUNT + " and " + KEY;
            case SAS -> SAS_TOKEN;
        };
    }

    /** The secrets that must never be shown: the whole credential and its parts. */
    List<String> secrets() {
        List<String> s = new ArrayList<>();
        s.add(secret);
        if (credentialKind == CredentialKind.CONNECTION_STRING) {
            for (String part : secret.split(";")) {
                int eq = part.indexOf('=');
                String name = eq < 0 ? "" : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (name.equals("accountkey") || name.equals("sharedaccesssignature")) {
                    s.add(part.substring(eq + 1).trim());
                }
            }
        }
        return s;
    }

    private static String requireContainer(String name) {
        if (!CONTAINER.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid Azure container name: 3 to 63 lower-case"
                    + " letters, digits and single hyphens, starting and ending with a letter or digit");
        }
        return name;
    }

    private static String requireAccount(String name, String with) {
        if (name == null) {
            throw new IllegalArgumentException(with + " needs " + ACCOUNT + " (or " + ENDPOINT + " for a SAS token)");
        }
        if (!ACCOUNT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' (" + ACCOUNT + ") is not a valid storage account name:"
                    + " 3 to 24 lower-case letters and digits");
        }
        return name;
    }

    private static String setting(StoreLocation location, String option, String env) {
        String value = nonEmpty(location.option(option));
        return value != null ? value : nonEmpty(location.env(env));
    }

    private static int intSetting(StoreLocation location, String option, String env, int dflt, int min, int max) {
        String value = setting(location, option, env);
        if (value == null) {
            return dflt;
        }
        String source = source(location, option, env);
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + " must be a whole number from " + min + " to " + max + ", not '"
                + value + "'");
    }

    /** Which of the two a setting came from, for messages: the option if given, else the variable. */
    private static String source(StoreLocation location, String option, String env) {
        return nonEmpty(location.option(option)) != null ? option : env;
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "AzureSettings[container=" + container + ", prefix=" + prefix + ", credentials=" + credentialKind
                + ", immutability=" + immutability + ", dataTier=" + dataTier + "]";
    }

    /** How retention locks are held; see docs/operations.md, "Azure Blob repositories". */
    enum Immutability {
        /** Azure version-level immutability, policy mode Locked: no one can shorten or remove it. */
        LOCKED,
        /** Azure version-level immutability, policy mode Unlocked: the account owner can still remove it. */
        UNLOCKED,
        /** Dates in blob metadata only, enforced by Lifeboat alone: for emulators and tests, not WORM. */
        EMULATED,
        /** No retention locks. */
        OFF;

        static Immutability parse(String value, String source) {
            if (value == null) {
                // Reversible by the account owner, like S3's governance mode: a locked policy on
                // a config locked for 100 years would pin the storage account for good.
                return UNLOCKED;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "locked" -> LOCKED;
                case "unlocked" -> UNLOCKED;
                case "emulated" -> EMULATED;
                case "off" -> OFF;
                default -> throw new IllegalArgumentException(source + " must be locked, unlocked, emulated or off,"
                        + " not '" + value + "'");
            };
        }

        /** Whether locks are Azure immutability policies (rather than Lifeboat's own bookkeeping). */
        boolean enforcedByAzure() {
            return this == LOCKED || this == UNLOCKED;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The access tier of data packs; metadata stays Hot. Archive is refused: packs must be readable at once. */
    enum DataTier {
        HOT, COOL, COLD;

        static DataTier parse(String value, String source) {
            if (value == null) {
                return null;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "hot" -> HOT;
                case "cool" -> COOL;
                case "cold" -> COLD;
                case "archive" -> throw new IllegalArgumentException(source + "=archive is not supported: archived packs"
                        + " must be rehydrated (hours) before a restore can read them; use cool or cold");
                default -> throw new IllegalArgumentException(source + " must be hot, cool or cold, not '" + value + "'");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
