package dev.kiln.engine.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of a Kiln process, read once at start-up from environment variables and the
 * equivalent {@code --flags} (flags win), validated with messages that name the setting.
 */
public record KilnConfig(
    Optional<DatabaseUrl> databaseUrl,
    Path dataDir,
    String httpHost,
    int httpPort,
    Set<Role> roles,
    int workerConcurrency,
    Optional<Path> workflowsDir,
    Duration lease,
    Duration pollInterval,
    int databasePoolSize,
    boolean listen,
    Duration shutdownGrace,
    long maxBodyBytes,
    long maxValues,
    Optional<String> apiToken,
    boolean apiTokenForReads,
    List<String> corsOrigins,
    Optional<Duration> retention,
    int backgroundNice) {

  public KilnConfig {
    roles = Collections.unmodifiableSet(EnumSet.copyOf(roles));
    corsOrigins = List.copyOf(corsOrigins);
  }

  /** One documented setting: its environment variable, its flag, its default and what it does. */
  public record Setting(String env, String defaultValue, String description) {
    public String flag() {
      return "--" + env.substring("KILN_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public static final Setting DATABASE_URL = new Setting("KILN_DATABASE_URL", "",
      "PostgreSQL to use, postgresql://user:password@host:port/db. Unset: an embedded PostgreSQL 15 keeps its data in KILN_DATA_DIR.");
  public static final Setting DATA_DIR = new Setting("KILN_DATA_DIR", "~/.kiln",
      "Where the embedded PostgreSQL keeps its data between runs (unused with KILN_DATABASE_URL).");
  public static final Setting HTTP_HOST = new Setting("KILN_HTTP_HOST", "127.0.0.1",
      "Address the HTTP API listens on; 0.0.0.0 for every interface.");
  public static final Setting HTTP_PORT = new Setting("KILN_HTTP_PORT", "8080",
      "Port the HTTP API listens on (0 picks a free one and logs it).");
  public static final Setting ROLES = new Setting("KILN_ROLES", "api,orchestrator,worker",
      "Roles this process runs, comma-separated: api, orchestrator, worker.");
  public static final Setting WORKER_CONCURRENCY = new Setting("KILN_WORKER_CONCURRENCY", "cores",
      "Tasks one worker process runs at once (default: number of cores).");
  public static final Setting WORKFLOWS_DIR = new Setting("KILN_WORKFLOWS_DIR", "",
      "Extra directory of *.json workflow specs, loaded beside the built-in ones.");
  public static final Setting LEASE = new Setting("KILN_LEASE", "30s",
      "How long a worker holds a task without a heartbeat before the rescuer hands it to another.");
  public static final Setting POLL_INTERVAL = new Setting("KILN_POLL_INTERVAL", "5s",
      "Safety-net poll period; notifications wake the roles at once, this catches lost ones.");
  public static final Setting DB_POOL_SIZE = new Setting("KILN_DB_POOL_SIZE", "16",
      "PostgreSQL connections per process: a quarter (at least 2) for the API, whose commits are durable, the rest for the engine roles. The API's live streams read on one more.");

  public static final Setting LISTEN = new Setting("KILN_LISTEN", "true",
      "LISTEN for PostgreSQL notifications; false relies on the poll alone (e.g. behind a transaction-mode pooler).");
  public static final Setting SHUTDOWN_GRACE = new Setting("KILN_SHUTDOWN_GRACE", "10s",
      "On SIGTERM, how long a worker lets running tasks finish before handing them back.");

  public static final Setting MAX_BODY_BYTES = new Setting("KILN_MAX_BODY_BYTES", "67108864",
      "Largest request body the API accepts (bytes; larger ones get 413).");
  public static final Setting MAX_VALUES = new Setting("KILN_MAX_VALUES", "5000000",
      "Most numbers one workflow input may hold (more get 400).");
  public static final Setting API_TOKEN = new Setting("KILN_API_TOKEN", "",
      "If set, state-changing endpoints need 'Authorization: Bearer <token>'.");
  public static final Setting API_TOKEN_READS = new Setting("KILN_API_TOKEN_READS", "false",
      "true: read endpoints need the token too.");
  public static final Setting CORS_ORIGINS = new Setting("KILN_CORS_ORIGINS", "",
      "Comma-separated origins allowed to call the API from a browser (* for any).");

  public static final Setting RETENTION = new Setting("KILN_RETENTION", "",
      "Delete finished workflows (with tasks, logs, history) older than this, e.g. 7d. Unset: keep forever.");

  public static final Setting BACKGROUND_NICE = new Setting("KILN_BACKGROUND_NICE", "10",
      "Linux nice value (0-19) for the threads that run handlers and check bodies, for the JIT compiler threads and, with the embedded PostgreSQL, for the server processes behind the engine's sessions, so that reads get a core first when the machine is saturated; 0: leave them at normal priority.");

  public static final List<Setting> SETTINGS = List.of(DATABASE_URL, DATA_DIR, HTTP_HOST, HTTP_PORT,
      ROLES, WORKER_CONCURRENCY, WORKFLOWS_DIR, LEASE, POLL_INTERVAL, DB_POOL_SIZE, LISTEN, SHUTDOWN_GRACE,
      MAX_BODY_BYTES, MAX_VALUES, API_TOKEN, API_TOKEN_READS, CORS_ORIGINS, RETENTION, BACKGROUND_NICE);

  /** The configuration a process gets with nothing set. */
  public static KilnConfig defaults() {
    return parse(Map.of(), List.of());
  }

  /**
   * Reads the settings from {@code env} and {@code args} ({@code --flag=value} or {@code --flag value}).
   *
   * @throws ConfigException naming the first setting that is wrong
   */
  public static KilnConfig parse(Map<String, String> env, List<String> args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      String v = env.get(s.env());
      if (v != null && !v.isBlank()) {
        values.put(s.env(), v.trim());
      }
    }
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      Setting setting = byFlag(name);
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new ConfigException(setting.flag(), "needs a value");
        }
        value = args.get(++i);
      }
      values.put(setting.env(), value.trim());
    }
    Function<Setting, String> get = s -> values.getOrDefault(s.env(), s.defaultValue());

    Optional<DatabaseUrl> databaseUrl = values.containsKey(DATABASE_URL.env())
        ? Optional.of(DatabaseUrl.parse(DATABASE_URL.env(), values.get(DATABASE_URL.env())))
        : Optional.empty();
    Path dataDir = path(DATA_DIR, get.apply(DATA_DIR));
    String host = get.apply(HTTP_HOST);
    if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(HTTP_HOST.env(), "must be a host name or address, got \"" + host + "\"");
    }
    int port = integer(HTTP_PORT, get.apply(HTTP_PORT), 0, 65535);
    Set<Role> roles = roles(get.apply(ROLES));
    String concurrencyText = get.apply(WORKER_CONCURRENCY);
    int concurrency = concurrencyText.equals("cores")
        ? Runtime.getRuntime().availableProcessors()
        : integer(WORKER_CONCURRENCY, concurrencyText, 1, 1024);
    Optional<Path> workflowsDir = values.containsKey(WORKFLOWS_DIR.env())
        ? Optional.of(path(WORKFLOWS_DIR, values.get(WORKFLOWS_DIR.env())))
        : Optional.empty();
    Duration lease = duration(LEASE, get.apply(LEASE), Duration.ofSeconds(1), Duration.ofHours(24));
    Duration poll = duration(POLL_INTERVAL, get.apply(POLL_INTERVAL), Duration.ofMillis(10), Duration.ofHours(1));
    int poolSize = integer(DB_POOL_SIZE, get.apply(DB_POOL_SIZE), 2, 1000);
    boolean listen = bool(LISTEN, get.apply(LISTEN));
    Duration grace = duration(SHUTDOWN_GRACE, get.apply(SHUTDOWN_GRACE), Duration.ZERO, Duration.ofHours(1));
    long maxBody = longValue(MAX_BODY_BYTES, get.apply(MAX_BODY_BYTES), 1024, 1L << 31);
    long maxValues = longValue(MAX_VALUES, get.apply(MAX_VALUES), 1, 1_000_000_000L);
    Optional<String> token = Optional.ofNullable(values.get(API_TOKEN.env()));
    boolean tokenForReads = bool(API_TOKEN_READS, get.apply(API_TOKEN_READS));
    if (tokenForReads && token.isEmpty()) {
      throw new ConfigException(API_TOKEN_READS.env(), "is true but KILN_API_TOKEN is not set");
    }
    List<String> origins = new ArrayList<>();
    for (String o : get.apply(CORS_ORIGINS).split(",")) {
      if (!o.isBlank()) {
        String origin = o.trim();
        if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
          throw new ConfigException(CORS_ORIGINS.env(), "\"" + origin + "\" is not an origin like https://example.com or *");
        }
        origins.add(origin);
      }
    }
    Optional<Duration> retention = values.containsKey(RETENTION.env())
        ? Optional.of(duration(RETENTION, values.get(RETENTION.env()), Duration.ofSeconds(1), Duration.ofDays(36500)))
        : Optional.empty();
    int backgroundNice = integer(BACKGROUND_NICE, get.apply(BACKGROUND_NICE), 0, 19);
    return new KilnConfig(databaseUrl, dataDir, host, port, roles, concurrency, workflowsDir, lease, poll, poolSize,
        listen, grace, maxBody, maxValues, token, tokenForReads, origins, retention, backgroundNice);
  }

  /** Whether the arguments ask for the settings list instead of a run. */
  public static boolean wantsHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  /** The settings with their defaults, as {@code --help} prints them. */
  public static String help() {
    StringBuilder out = new StringBuilder("Usage: java -jar kiln.jar [--flag=value ...]\n\n"
        + "Every setting is an environment variable or the equivalent flag (flags win).\n\n");
    for (Setting s : SETTINGS) {
      out.append(String.format(Locale.ROOT, "  %-26s %-28s default: %s%n      %s%n",
          s.env(), s.flag(), s.defaultValue().isEmpty() ? "(unset)" : s.defaultValue(), s.description()));
    }
    return out.toString();
  }

  public boolean runs(Role role) {
    return roles.contains(role);
  }

  private static Setting byFlag(String flag) {
    for (Setting s : SETTINGS) {
      if (s.flag().equals(flag)) {
        return s;
      }
    }
    throw new ConfigException(flag, "unknown option; --help lists the settings");
  }

  private static int integer(Setting s, String text, int min, int max) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(s.env(), "must be a whole number from " + min + " to " + max + ", got \"" + text + "\"");
    }
    if (value < min || value > max) {
      throw new ConfigException(s.env(), "must be from " + min + " to " + max + ", got " + value);
    }
    return value;
  }

  private static long longValue(Setting s, String text, long min, long max) {
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(s.env(), "must be a whole number from " + min + " to " + max + ", got \"" + text + "\"");
    }
    if (value < min || value > max) {
      throw new ConfigException(s.env(), "must be from " + min + " to " + max + ", got " + value);
    }
    return value;
  }

  private static boolean bool(Setting s, String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new ConfigException(s.env(), "must be true or false, got \"" + text + "\"");
    };
  }

  /** A copy with other roles: tests and tools start processes of several shapes from one config. */
  public KilnConfig withRoles(Set<Role> otherRoles) {
    return new KilnConfig(databaseUrl, dataDir, httpHost, httpPort, otherRoles, workerConcurrency, workflowsDir, lease,
        pollInterval, databasePoolSize, listen, shutdownGrace, maxBodyBytes, maxValues, apiToken, apiTokenForReads,
        corsOrigins, retention, backgroundNice);
  }

  private static Set<Role> roles(String text) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    List<String> unknown = new ArrayList<>();
    for (String part : text.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        unknown.add(part.trim());
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(ROLES.env(), "unknown role " + String.join(", ", unknown) + "; roles are api, orchestrator, worker");
    }
    if (roles.isEmpty()) {
      throw new ConfigException(ROLES.env(), "names no role; roles are api, orchestrator, worker");
    }
    return roles;
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  /** Parses {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
  public static Duration duration(Setting s, String text, Duration min, Duration max) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new ConfigException(s.env(), "must be a duration like 500ms, 30s, 5m, 2h or 7d, got \"" + text + "\"");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(s.env(), "must be between " + human(min) + " and " + human(max) + ", got " + text);
    }
    return d;
  }

  private static String human(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + "ms" : d.toSeconds() < 3600 ? d.toSeconds() + "s" : d.toHours() + "h";
  }

  private static Path path(Setting s, String text) {
    String expanded = text.equals("~") || text.startsWith("~/")
        ? System.getProperty("user.home") + text.substring(1)
        : text;
    try {
      return Path.of(expanded).toAbsolutePath().normalize();
    } catch (RuntimeException e) {
      throw new ConfigException(s.env(), "is not a usable path: " + e.getMessage());
    }
  }
}
