package io.feedbackhub.testing.fake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Wootric API as shared/docs/wootric-api.md §12 describes it: OAuth password, client-credentials
 * and refresh grants with expiring tokens, bearer checks, list endpoints with created/updated
 * filters, the 30-page and 50-per-page caps, default sort orders, per-minute rate limits with
 * headers, and switches for injected 500s, 429 storms and slow answers. Datetimes go out in
 * Wootric's list format with a -0800 offset so clients must normalise them.
 */
public final class FakeWootric implements AutoCloseable {

    public static final String USERNAME = "ops@example.com";
    public static final String PASSWORD = "fake-wootric-password";
    public static final String ACCOUNT_TOKEN = "NPS-abcd1234";
    public static final String CLIENT_ID = "fake-client-id";
    public static final String CLIENT_SECRET = "fake-client-secret";

    private static final DateTimeFormatter LIST_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx")
            .withZone(ZoneOffset.ofHours(-8));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadLocal<Long> SLOW = new ThreadLocal<>();

    private final HttpServer server;
    private final Map<String, Map<Long, Map<String, Object>>> tables = new ConcurrentHashMap<>();
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final Map<String, Long> refreshTokens = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1000);
    /** Printed at start; {@code -Dfake.seed=N} repeats a run's faults. */
    public final long seed = Long.getLong("fake.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private int blockLeft;
    private int failAt;

    public volatile long tokenLifetimeSeconds = 7200;
    /** Requests per rate-limit window; 0 = no limit headers. */
    public volatile int rateLimit = 0;
    public volatile long rateWindowMillis = 60_000;
    /**
     * Share of /v1 requests answered 500 (after doing nothing), at random places but exactly that
     * share over a run: one request in each run of 1/rate, so a request may fail twice in a row.
     */
    public volatile double failureRate = 0;
    /** The next N /v1 requests get 429. */
    public final AtomicInteger tooManyRequests = new AtomicInteger();
    /** Seconds until X-Rate-Limit-Reset on an injected 429. */
    public volatile int storm429ResetSeconds = 1;
    public volatile long delayMillis = 0;
    /** The next N /v1 requests answer only after {@link #slowMillis} (slower than a client's timeout). */
    public final AtomicInteger slowRequests = new AtomicInteger();
    public volatile long slowMillis = 0;
    /** Which requests ("METHOD /path?query") the slow answers are for; all by default. */
    public volatile Predicate<String> slowWhen = request -> true;
    /** /v1 requests whose path and query match get 500 every time (an outage of one part of the API). */
    public volatile Predicate<String> failWhen = request -> false;
    public final List<String> grants = java.util.Collections.synchronizedList(new ArrayList<>());

    public final AtomicInteger tokenRequests = new AtomicInteger();
    /** Every authorised /v1 request, whatever its answer. */
    public final AtomicInteger apiRequests = new AtomicInteger();
    public final AtomicInteger served500 = new AtomicInteger();
    public final AtomicInteger served429 = new AtomicInteger();
    /** Every end-user write (POST or PUT) with its form fields, for relay tests. */
    public final List<Map<String, String>> writes = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Whether PUT replaces the stored properties (true) or merges into them; Wootric does not say. */
    public volatile boolean putReplacesProperties = true;
    public final List<String> requestLines = java.util.Collections.synchronizedList(new ArrayList<>());

    private int windowCount;
    private long windowStart = System.currentTimeMillis();

    public FakeWootric() throws IOException {
        this(0);
    }

    /** On a given port: a Wootric that comes back where it was. */
    public FakeWootric(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
        System.out.println("FakeWootric random seed " + seed + " (-Dfake.seed=" + seed + " repeats its faults)");
        for (String table : List.of("end_users", "responses", "declines")) {
            tables.put(table, new ConcurrentHashMap<>());
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What a packaged hub needs to pull from this fake: no schedule, fast retries. */
    public Map<String, String> hubEnvironment() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HUB_WOOTRIC_ENABLED", "true");
        env.put("HUB_WOOTRIC_BASE_URL", baseUrl());
        env.put("HUB_WOOTRIC_USERNAME", USERNAME);
        env.put("HUB_WOOTRIC_PASSWORD", PASSWORD);
        env.put("HUB_WOOTRIC_START_DATE", "2024-01-01");
        env.put("HUB_WOOTRIC_SCHEDULE", "0 0 4 1 1 ? 2099");
        env.put("HUB_WOOTRIC_RETRY_DELAY", "50ms");
        return env;
    }

    // ---- data --------------------------------------------------------------------------------

    public Map<String, Object> addEndUser(long createdAt, long updatedAt) {
        long id = ids.incrementAndGet();
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", id);
        user.put("created_at", createdAt);
        user.put("updated_at", updatedAt);
        user.put("email", "user" + id + "@example.com");
        user.put("last_surveyed", updatedAt - 3600);
        user.put("external_created_at", createdAt - 86400);
        user.put("last_seen_at", null);
        user.put("properties", new LinkedHashMap<>(Map.of("persona", "Individual", "pricing_plan", "Lite", "revenue_amount", id % 1000)));
        user.put("phone_number", null);
        user.put("external_id", "ext-" + id);
        user.put("last_response", Map.of("id", id * 10, "score", (int) (id % 11), "text", "Great ünïcode ✓", "survey", Map.of("channel", "web")));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("email_nps", true);
        settings.put("mobile_nps", false);
        settings.put("web_nps", true);
        settings.put("force_mobile_survey", null);
        settings.put("force_web_survey", null);
        settings.put("surveys_disabled_by_end_user", null);
        user.put("settings", settings);
        tables.get("end_users").put(id, user);
        return user;
    }

    public Map<String, Object> addResponse(String table, long createdAt, long updatedAt) {
        long id = ids.incrementAndGet();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("id", id);
        response.put("end_user_id", id - 1);
        response.put("survey_id", 7);
        response.put("ip_address", "127.0.0.1");
        response.put("origin_url", "https://example.com/app");
        response.put("created_at", createdAt);
        response.put("updated_at", updatedAt);
        if (table.equals("responses")) {
            response.put("score", (int) (id % 11));
            response.put("text", "Faster, please – ü");
            response.put("completed", true);
            response.put("excluded_from_calculations", false);
            response.put("tags", List.of("PERFORMANCE"));
            response.put("notes", List.of());
        }
        response.put("end_user", Map.of("properties", Map.of("persona", "Individual", "purchase_date", 1473177881)));
        tables.get(table).put(id, response);
        return response;
    }

    public void remove(String table, long id) {
        tables.get(table).remove(id);
    }

    /** Every access token issued so far stops working, as after a server-side expiry. */
    public void expireTokens() {
        tokens.replaceAll((token, expiry) -> 0L);
    }

    /** Changes a record the way Wootric would: new content, new updated_at. */
    public void touch(String table, long id, long updatedAt, String field, Object value) {
        Map<String, Object> row = tables.get(table).get(id);
        row.put(field, value);
        row.put("updated_at", updatedAt);
    }

    public List<Map<String, Object>> rows(String table) {
        return tables.get(table).values().stream().sorted(Comparator.comparingLong(r -> (Long) r.get("id"))).toList();
    }

    /** A row as the API shows it (datetimes in Wootric's list format). */
    public static Map<String, Object> rendered(Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        for (String field : List.of("created_at", "updated_at", "last_surveyed")) {
            if (out.get(field) instanceof Long seconds) {
                out.put(field, LIST_DATE.format(Instant.ofEpochSecond(seconds)));
            }
        }
        return out;
    }

    // ---- HTTP --------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        SLOW.remove();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
            requestLines.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            if (delayMillis > 0) {
                pause(delayMillis);
            }
            if (path.equals("/oauth/token") && exchange.getRequestMethod().equals("POST")) {
                token(exchange, query);
                return;
            }
            if (!path.startsWith("/v1/")) {
                send(exchange, 404, Map.of("error", "Not found", "status", 404));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
            Long expires = token == null ? null : tokens.get(token);
            if (expires == null || expires < System.currentTimeMillis()) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"Doorkeeper\", error=\"invalid_token\"");
                send(exchange, 401, Map.of("error", "invalid_token"));
                return;
            }
            apiRequests.incrementAndGet();
            // a slow answer: the work is done at once, the answer comes late (as when a client times
            // out on a create that the server did carry out)
            SLOW.set(slowWhen.test(exchange.getRequestMethod() + " " + exchange.getRequestURI())
                    && slowRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? slowMillis : 0L);
            if (!rateLimited(exchange)) {
                return;
            }
            if (tooManyRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                served429.incrementAndGet();
                exchange.getResponseHeaders().add("X-Rate-Limit-Limit", "100");
                exchange.getResponseHeaders().add("X-Rate-Limit-Remaining", "0");
                exchange.getResponseHeaders().add("X-Rate-Limit-Reset",
                        String.valueOf(Instant.now().getEpochSecond() + storm429ResetSeconds));
                send(exchange, 429, Map.of("errors", List.of(Map.of("message", "Rate limit exceeded"))));
                return;
            }
            if (randomFailure() || failWhen.test(exchange.getRequestURI().toString())) {
                served500.incrementAndGet();
                send(exchange, 500, Map.of("errors", List.of(Map.of("message", "Internal Server Error"))));
                return;
            }
            String table = path.substring("/v1/".length());
            if (exchange.getRequestMethod().equals("GET") && tables.containsKey(table)) {
                list(exchange, table, query, r -> true);
            } else if (path.startsWith("/v1/end_users")) {
                endUser(exchange, path.substring("/v1/end_users".length()), query);
            } else {
                send(exchange, 404, Map.of("type", "error_list", "errors",
                        List.of(Map.of("status", "record_not_found", "message", "The record could not be found"))));
            }
        } catch (RuntimeException e) {
            send(exchange, 500, Map.of("error", String.valueOf(e)));
        }
    }

    private synchronized boolean randomFailure() {
        if (failureRate <= 0) {
            return false;
        }
        if (blockLeft == 0) {
            blockLeft = (int) Math.max(1, Math.round(1 / failureRate));
            failAt = random.nextInt(blockLeft);
        }
        return --blockLeft == failAt;
    }

    private synchronized boolean rateLimited(HttpExchange exchange) throws IOException {
        if (rateLimit <= 0) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (now - windowStart >= rateWindowMillis) {
            windowStart = now;
            windowCount = 0;
        }
        windowCount++;
        long reset = (windowStart + rateWindowMillis + 999) / 1000;
        exchange.getResponseHeaders().add("X-Rate-Limit-Limit", String.valueOf(rateLimit));
        exchange.getResponseHeaders().add("X-Rate-Limit-Remaining", String.valueOf(Math.max(0, rateLimit - windowCount)));
        exchange.getResponseHeaders().add("X-Rate-Limit-Reset", String.valueOf(reset));
        if (windowCount > rateLimit) {
            served429.incrementAndGet();
            send(exchange, 429, Map.of("errors", List.of(Map.of("message", "Rate limit exceeded"))));
            return false;
        }
        return true;
    }

    private void token(HttpExchange exchange, Map<String, String> query) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form = form(exchange);
        String grant = form.getOrDefault("grant_type", "");
        grants.add(grant);
        boolean ok;
        boolean refreshable = true;
        switch (grant) {
            case "password" -> {
                if (query.containsKey("account_token") && !ACCOUNT_TOKEN.equals(query.get("account_token"))) {
                    send(exchange, 404, Map.of("error", "Not found", "status", 404));
                    return;
                }
                ok = USERNAME.equals(form.get("username")) && PASSWORD.equals(form.get("password"));
            }
            case "client_credentials" -> {
                ok = CLIENT_ID.equals(form.get("client_id")) && CLIENT_SECRET.equals(form.get("client_secret"));
                refreshable = false;
            }
            case "refresh_token" -> ok = form.get("refresh_token") != null && refreshTokens.remove(form.get("refresh_token")) != null;
            default -> ok = false;
        }
        if (!ok) {
            send(exchange, 401, Map.of("error", "invalid_grant", "error_description",
                    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."));
            return;
        }
        String access = UUID.randomUUID().toString();
        tokens.put(access, System.currentTimeMillis() + tokenLifetimeSeconds * 1000);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", access);
        body.put("token_type", "bearer");
        body.put("expires_in", tokenLifetimeSeconds);
        if (refreshable) {
            String refresh = UUID.randomUUID().toString();
            refreshTokens.put(refresh, 0L);
            body.put("refresh_token", refresh);
        }
        body.put("scope", "public");
        body.put("created_at", Instant.now().getEpochSecond());
        send(exchange, 200, body);
    }

    /** A list endpoint: /v1/<table>, or an end user's own /v1/end_users/<id>/<table> ({@code scope}). */
    private void list(HttpExchange exchange, String table, Map<String, String> query, Predicate<Map<String, Object>> scope) throws IOException {
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        if (page < 1 || page > 30) {
            send(exchange, 400, Map.of("errors", List.of(Map.of("message", "page does not have a valid value"))));
            return;
        }
        int perPage = Math.min(50, Math.max(1, Integer.parseInt(query.getOrDefault("per_page", "25"))));
        Predicate<Map<String, Object>> filter = scope;
        for (String field : table.equals("end_users") ? List.of("created", "updated") : List.of("created")) {
            for (String op : List.of("eq", "lt", "lte", "gt", "gte")) {
                String value = query.get(field + "[" + op + "]");
                if (value != null) {
                    long bound = Long.parseLong(value);
                    String column = field + "_at";
                    filter = filter.and(r -> compare((Long) r.get(column), op, bound));
                }
            }
        }
        if (table.equals("end_users") && query.containsKey("email")) {
            String email = query.get("email");
            filter = filter.and(r -> email.equals(r.get("email")));
        }
        String sortKey = query.getOrDefault("sort_key", "email");
        if (!table.equals("end_users") && sortKey.equals("email")) {
            sortKey = "created_at";
        }
        boolean asc = query.getOrDefault("sort_order", table.equals("end_users") ? "asc" : "desc").equals("asc");
        String key = sortKey;
        Comparator<Map<String, Object>> order = key.equals("email")
                ? Comparator.comparing(r -> String.valueOf(r.get("email")))
                : Comparator.comparingLong(r -> (Long) r.get(key));
        order = order.thenComparingLong(r -> (Long) r.get("id"));
        if (!asc) {
            order = order.reversed();
        }
        List<Map<String, Object>> rows = tables.get(table).values().stream().filter(filter).sorted(order)
                .skip((long) (page - 1) * perPage).limit(perPage).map(FakeWootric::rendered).toList();
        send(exchange, 200, rows);
    }

    private void endUser(HttpExchange exchange, String rest, Map<String, String> query) throws IOException {
        String method = exchange.getRequestMethod();
        Matcher ofUser = Pattern.compile("/(\\d+)/(responses|declines)").matcher(rest);
        if (method.equals("GET") && ofUser.matches()) {
            long user = Long.parseLong(ofUser.group(1));
            if (tables.get("end_users").containsKey(user)) {
                list(exchange, ofUser.group(2), query, r -> Long.valueOf(user).equals(r.get("end_user_id")));
            } else {
                notFound(exchange);
            }
            return;
        }
        if (method.equals("GET") && rest.startsWith("/")) {
            String key = URLDecoder.decode(rest.substring(1), StandardCharsets.UTF_8);
            Predicate<Map<String, Object>> match = query.containsKey("lookup_by_external_id") ? r -> key.equals(r.get("external_id"))
                    : query.containsKey("lookup_by_email") ? r -> key.equals(r.get("email"))
                    : r -> key.equals(String.valueOf(r.get("id")));
            var found = tables.get("end_users").values().stream().filter(match).findFirst();
            if (found.isPresent()) {
                send(exchange, 200, rendered(found.get()));
            } else {
                notFound(exchange);
            }
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>(query);
        fields.putAll(form(exchange));
        long now = Instant.now().getEpochSecond();
        synchronized (this) {
            if (method.equals("POST") && rest.isEmpty()) {
                if (!fields.containsKey("email")) {
                    send(exchange, 400, Map.of("errors", List.of(Map.of("message", "email can't be blank"))));
                    return;
                }
                Map<String, Object> user = addEndUser(now, now);
                user.put("properties", new LinkedHashMap<>());
                user.put("external_id", null);
                apply(user, fields, true);
                writes.add(withMethod("POST", user.get("id"), fields));
                send(exchange, 201, rendered(user));
            } else if (method.equals("PUT") && rest.matches("/\\d+")) {
                Map<String, Object> user = tables.get("end_users").get(Long.parseLong(rest.substring(1)));
                if (user == null) {
                    notFound(exchange);
                    return;
                }
                apply(user, fields, putReplacesProperties);
                user.put("updated_at", now);
                writes.add(withMethod("PUT", user.get("id"), fields));
                send(exchange, 200, rendered(user));
            } else {
                notFound(exchange);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void apply(Map<String, Object> user, Map<String, String> fields, boolean replaceProperties) {
        Map<String, Object> properties = replaceProperties ? new LinkedHashMap<>()
                : new LinkedHashMap<>((Map<String, Object>) user.getOrDefault("properties", Map.of()));
        boolean propertiesSent = false;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            String name = field.getKey();
            if (name.startsWith("properties[") && name.endsWith("]")) {
                properties.put(name.substring(11, name.length() - 1), field.getValue());
                propertiesSent = true;
            } else if (name.equals("external_created_at") || name.equals("last_surveyed")) {
                user.put(name, Long.parseLong(field.getValue()));
            } else if (List.of("email", "external_id", "phone_number").contains(name)) {
                user.put(name, field.getValue());
            }
        }
        if (propertiesSent || !replaceProperties) {
            user.put("properties", properties);
        }
    }

    private static Map<String, String> withMethod(String method, Object id, Map<String, String> fields) {
        Map<String, String> write = new LinkedHashMap<>(fields);
        write.put("_method", method);
        write.put("_id", String.valueOf(id));
        return write;
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        send(exchange, 404, Map.of("type", "error_list", "errors",
                List.of(Map.of("status", "record_not_found", "message", "The record could not be found", "field", "null"))));
    }

    public Map<String, Object> endUserByExternalId(String externalId) {
        return tables.get("end_users").values().stream().filter(r -> externalId.equals(r.get("external_id"))).findFirst().orElse(null);
    }

    private static boolean compare(long value, String op, long bound) {
        return switch (op) {
            case "eq" -> value == bound;
            case "lt" -> value < bound;
            case "lte" -> value <= bound;
            case "gt" -> value > bound;
            default -> value >= bound;
        };
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (type.startsWith("multipart/form-data")) {
            Map<String, String> fields = new HashMap<>();
            Matcher m = Pattern.compile("name=\"([^\"]+)\"\\r\\n(?:[^\\r\\n]*\\r\\n)*\\r\\n(.*?)\\r\\n--", Pattern.DOTALL).matcher(text);
            while (m.find()) {
                fields.put(m.group(1), m.group(2));
            }
            return fields;
        }
        return parse(text);
    }

    private static Map<String, String> parse(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        Long slow = SLOW.get();
        if (slow != null && slow > 0) {
            SLOW.remove();
            pause(slow);
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void pause(long millis) {
        try {
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
