package io.feedbackhub.testing.fake;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Qualtrics API v3 as shared/docs/qualtrics-api.md §12 describes it: the envelope (httpStatus
 * strings, requestId, errorCode/errorMessage), X-API-TOKEN or OAuth client-credentials auth, XM
 * Directory contacts (paged with a full-URL nextPage carrying skipToken, odd page sizes, thin list
 * rows, PUT refusing read-only keys and a null email, search), email and SMS distributions in
 * separate stores with their rules (one recipient source: a mailing list, a transaction batch or
 * the directory's sample {@link #SAMPLE}; a single contact only within a mailing list), event subscriptions, webhook emission signed with HMAC-SHA512,
 * responses answering 202 until they are ready, and injected faults (429 with or without
 * Retry-After, 500, 503, 504 after the write was committed, slow answers, answers held until a test
 * releases them, a looping nextPage).
 */
public final class FakeQualtrics implements AutoCloseable {

    public static final String API_TOKEN = "fakeQualtricsApiToken123";
    public static final String CLIENT_ID = "fake-qualtrics-client";
    public static final String CLIENT_SECRET = "fakeQualtricsClientSecret";
    public static final String DIRECTORY = "POOL_fakeDirectory01";
    public static final String BRAND = "peopleplus";
    /** A sample drawn from the directory: distributions may go to it by {@code recipients.sampleId}. */
    public static final String SAMPLE = "SMP_fakeSample00001";
    private static final Set<String> CONTACT_KEYS = Set.of("firstName", "lastName", "email", "phone", "extRef", "embeddedData",
            "language", "unsubscribed");
    private static final Pattern UTC = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Page size the server allows at most (it clamps bigger asks). */
    private static final int MAX_PAGE_SIZE = 100;
    private static final long TOKEN_LIFETIME_SECONDS = 3600;

    /** One injected answer, used once by the next request it matches. */
    public record Fault(String method, String pathPart, int status, String retryAfter, boolean afterCommit, long delayMillis,
            CountDownLatch held) {
        public Fault(String method, String pathPart, int status, String retryAfter, boolean afterCommit, long delayMillis) {
            this(method, pathPart, status, retryAfter, afterCommit, delayMillis, null);
        }

        public static Fault status(String method, String pathPart, int status) {
            return new Fault(method, pathPart, status, null, false, 0);
        }

        public static Fault tooMany(String method, String pathPart, String retryAfter) {
            return new Fault(method, pathPart, 429, retryAfter, false, 0);
        }

        /** The write is carried out, then the gateway answers 504. */
        public static Fault gatewayTimeoutAfterCommit(String method, String pathPart) {
            return new Fault(method, pathPart, 504, null, true, 0);
        }

        /** The write is carried out, the answer comes only after the delay. */
        public static Fault slowAfterCommit(String method, String pathPart, long millis) {
            return new Fault(method, pathPart, 200, null, true, millis);
        }

        /** The write is carried out, and its answer held until {@link #release()} (for a test to kill the caller meanwhile). */
        public static Fault heldAfterCommit(String method, String pathPart) {
            return new Fault(method, pathPart, 200, null, true, 0, new CountDownLatch(1));
        }

        /** The request is held until {@link #release()}, then dropped with a 504: it never reached the service behind the gateway. */
        public static Fault heldAndLost(String method, String pathPart) {
            return new Fault(method, pathPart, 504, null, false, 0, new CountDownLatch(1));
        }

        /** Lets a held request go on. */
        public void release() {
            held.countDown();
        }
    }

    private final HttpServer server;
    private final HttpClient webhookClient = HttpClient.newHttpClient();
    private final Map<String, ObjectNode> contacts = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, ObjectNode> emailDistributions = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> smsDistributions = new ConcurrentHashMap<>();
    private final List<ObjectNode> surveys = List.of(
            JSON.createObjectNode().put("id", "SV_22VlHYNeldrrrkp").put("name", "Pulse").put("ownerId", "UR_2686s36oneK8iW1")
                    .put("lastModified", "2026-01-02T10:00:00Z").put("creationDate", "2025-11-03T09:00:00Z").put("isActive", true),
            JSON.createObjectNode().put("id", "SV_1AmkKSDmoZ4XlQx").put("name", "Onboarding").put("ownerId", "UR_2686s36oneK8iW1")
                    .put("lastModified", "2025-12-01T08:00:00Z").put("creationDate", "2025-10-01T08:00:00Z").put("isActive", false));
    private final Map<String, ObjectNode> subscriptions = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, ObjectNode> responses = new ConcurrentHashMap<>();
    private final Map<String, Long> responsesReadyAt = new ConcurrentHashMap<>();
    private final Map<String, Long> bearerTokens = new ConcurrentHashMap<>();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** Rows of page n (0-based) given the asked size: odd sizes as real servers send them. */
    public volatile IntUnaryOperator pageSizes = n -> -1;
    /** Every nextPage points back at the first page after this many pages (a server bug); -1 = never. */
    public volatile int loopAfterPages = -1;
    /** A meta.notice on every answer (wrong datacenter proxying), or null. */
    public volatile String notice;
    /** Every request: "METHOD /path?query". */
    public final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    public final AtomicInteger tokenRequests = new AtomicInteger();
    public final AtomicInteger served429 = new AtomicInteger();

    public FakeQualtrics() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The environment of a packaged hub whose Qualtrics connector talks to this fake (no scheduled pull, quick retries); a map to add to. */
    public Map<String, String> hubEnvironment() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HUB_QUALTRICS_ENABLED", "true");
        env.put("HUB_QUALTRICS_BASE_URL", baseUrl());
        env.put("HUB_QUALTRICS_API_TOKEN", API_TOKEN);
        env.put("HUB_QUALTRICS_DIRECTORY_ID", DIRECTORY);
        env.put("HUB_QUALTRICS_SCHEDULE", "0 0 4 1 1 ? 2099");
        env.put("HUB_QUALTRICS_RETRY_DELAY", "50ms");
        return env;
    }

    // ---- data --------------------------------------------------------------------------------

    public void inject(Fault... injected) {
        faults.addAll(List.of(injected));
    }

    public void clearFaults() {
        faults.clear();
    }

    public ObjectNode addContact(String extRef, String email) {
        ObjectNode contact = JSON.createObjectNode().put("firstName", "First " + extRef).put("lastName", "Last")
                .put("email", email).put("phone", "111-111-1111").put("extRef", extRef).put("language", "EN").put("unsubscribed", false);
        contact.putObject("embeddedData").put("level", "mid").put("source", extRef);
        return store(contact);
    }

    public List<ObjectNode> contacts() {
        synchronized (contacts) {
            return List.copyOf(contacts.values());
        }
    }

    public ObjectNode contact(String id) {
        return contacts.get(id);
    }

    public void clearContacts() {
        contacts.clear();
    }

    public Map<String, ObjectNode> emailDistributions() {
        return emailDistributions;
    }

    public Map<String, ObjectNode> smsDistributions() {
        return smsDistributions;
    }

    /** A subscription deleted in Qualtrics (by someone in its web app). */
    public void removeSubscription(String id) {
        subscriptions.remove(id);
    }

    public List<ObjectNode> subscriptions() {
        synchronized (subscriptions) {
            return List.copyOf(subscriptions.values());
        }
    }

    /** A completed response behind GET /surveys/{sid}/responses/{rid}, answering 202 until readyInMillis have passed. */
    public void addResponse(String surveyId, String responseId, long readyInMillis) {
        ObjectNode result = JSON.createObjectNode().put("responseId", responseId);
        result.putObject("values").put("QID1", 9).put("status", 0).put("finished", 1).put("progress", 100)
                .put("recordedDate", "2026-01-05T08:31:40.123Z").put("_recordId", responseId);
        result.putObject("labels").put("QID1", "9 - Very likely").put("status", "IP Address");
        responses.put(surveyId + "/" + responseId, result);
        responsesReadyAt.put(surveyId + "/" + responseId, System.currentTimeMillis() + readyInMillis);
    }

    /**
     * Delivers a completedResponse event as Qualtrics does: form-encoded Topic (brand-prefixed), MSG
     * (JSON text) and HMAC (hex HMAC-SHA512 of MSG with the subscription's shared key), to the
     * given URL (the subscription's publicationUrl as the network routes it). Returns the status.
     */
    public int emitCompletedResponse(String url, String surveyId, String responseId, String sharedKey) throws Exception {
        String msg = JSON.createObjectNode().put("Status", "Complete").put("SurveyID", surveyId).put("ResponseID", responseId)
                .put("RecipientID", "CGC_GiMUyLkGpEZsVF3").put("ResponseEventContext", "").put("DistributionID", "EMD_96woxYS85Cg5Lqx")
                .put("CompletedDate", "2020-10-22 12:31:40").put("BrandID", BRAND).put("CreatorID", "UR_2686s36oneK8iW1").toString();
        return post(url, "Topic=" + form(BRAND + ".surveyengine.completedResponse." + surveyId) + "&HMAC=" + hmac(sharedKey, msg)
                + "&MSG=" + form(msg));
    }

    /** Posts a form body to the hub as Qualtrics would. */
    public int post(String url, String formBody) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody)).build();
        return webhookClient.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    public static String hmac(String key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** Form encoding with spaces as '+', as Qualtrics sends them. */
    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private ObjectNode store(ObjectNode contact) {
        String id = "CID_" + String.format("%015d", ids.incrementAndGet());
        contact.put("contactId", id);
        contact.put("creationDate", System.currentTimeMillis());
        contact.put("lastModified", System.currentTimeMillis());
        if (!contact.has("embeddedData")) {
            contact.putObject("embeddedData");
        }
        contact.putObject("mailingListMembership").putObject("CG_fakeList0001").put("contactLookupId",
                "CGC_" + String.format("%013d", ids.get())).put("unsubscribed", false);
        contacts.put(id, contact);
        return contact;
    }

    // ---- HTTP --------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            Map<String, String> query = parse(rawQuery);
            requests.add(method + " " + path + (rawQuery == null ? "" : "?" + rawQuery));
            if (path.equals("/oauth2/token") && method.equals("POST")) {
                token(exchange);
                return;
            }
            if (!path.startsWith("/API/v3/")) {
                error(exchange, 404, "Not Found", "NOT_FOUND", "Not found");
                return;
            }
            if (!authorised(exchange)) {
                error(exchange, 401, "Unauthorized", "AUTH_1", "Unrecognized X-API-TOKEN.");
                return;
            }
            Fault fault = takeFault(method, path);
            if (fault != null && fault.held() != null && !fault.afterCommit()) {
                await(fault.held());
                error(exchange, fault.status(), reason(fault.status()), "GATEWAY", "Gateway Timeout");
                return;
            }
            if (fault != null && !fault.afterCommit()) {
                if (fault.status() == 429) {
                    served429.incrementAndGet();
                    if (fault.retryAfter() != null) {
                        exchange.getResponseHeaders().add("Retry-After", fault.retryAfter());
                    }
                    error(exchange, 429, "Too Many Requests", "TOO_MANY", "You have reached the concurrent request limit.");
                } else {
                    error(exchange, fault.status(), fault.status() == 503 ? "Temporary Internal Server Error" : reason(fault.status()),
                            "SERVER_" + fault.status(), "Injected failure");
                }
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer = route(method, path.substring("/API/v3".length()), query, body);
            if (fault != null) {
                pause(fault.delayMillis());
                if (fault.held() != null) {
                    await(fault.held());
                }
                if (fault.status() != 200) {
                    // the write is done; only the answer is lost
                    error(exchange, fault.status(), reason(fault.status()), "GATEWAY", "Gateway Timeout");
                    return;
                }
            }
            send(exchange, answer.status(), answer.body());
        } catch (RuntimeException e) {
            error(exchange, 500, "Internal Server Error", "FAKE", String.valueOf(e));
        }
    }

    private record Answer(int status, ObjectNode body) {
    }

    private Answer route(String method, String path, Map<String, String> query, String body) throws IOException {
        Matcher m;
        if ((m = Pattern.compile("/directories/([^/]+)/contacts").matcher(path)).matches()) {
            if (!m.group(1).equals(DIRECTORY)) {
                return fail(404, "Directory not found", "DIR_NF");
            }
            return method.equals("GET") ? listContacts(query) : method.equals("POST") ? createContact(body) : fail(405, "Method not allowed", "MNA");
        }
        if (path.equals("/directories/" + DIRECTORY + "/contacts/search") && method.equals("POST")) {
            return searchContacts(body);
        }
        if ((m = Pattern.compile("/directories/" + DIRECTORY + "/contacts/(CID_[A-Za-z0-9]+)").matcher(path)).matches()) {
            String id = m.group(1);
            ObjectNode contact = contacts.get(id);
            if (contact == null) {
                return fail(404, "Contact not found", "CONTACT_NF");
            }
            return switch (method) {
                case "GET" -> ok(contact.deepCopy());
                case "PUT" -> updateContact(contact, body);
                case "DELETE" -> {
                    contacts.remove(id);
                    yield ok(null);
                }
                default -> fail(405, "Method not allowed", "MNA");
            };
        }
        if (path.equals("/distributions") && method.equals("POST")) {
            return createEmailDistribution(body);
        }
        if (path.equals("/distributions") && method.equals("GET")) {
            if (!query.containsKey("surveyId")) {
                return fail(400, "surveyId is required", "MISSING_SURVEY");
            }
            return ok(list(emailDistributions.values(), d -> query.get("surveyId").equals(d.path("surveyLink").path("surveyId").asText())
                    && (!query.containsKey("distributionRequestType") || query.get("distributionRequestType").equals(d.path("requestType").asText()))
                    && (!query.containsKey("mailingListId") || query.get("mailingListId").equals(d.path("recipients").path("mailingListId").asText()))));
        }
        if ((m = Pattern.compile("/distributions/(EMD_[A-Za-z0-9]+)/(reminders|thankyous)").matcher(path)).matches() && method.equals("POST")) {
            if (!emailDistributions.containsKey(m.group(1))) {
                return fail(404, "Distribution not found", "DIST_NF");
            }
            return createFollowUp(m.group(1), m.group(2), body);
        }
        if (path.equals("/distributions/sms") && method.equals("POST")) {
            return createSmsDistribution(body);
        }
        if (path.equals("/distributions/sms") && method.equals("GET")) {
            if (!query.containsKey("surveyId")) {
                return fail(400, "surveyId is required", "MISSING_SURVEY");
            }
            return ok(list(smsDistributions.values(), d -> query.get("surveyId").equals(d.path("surveyId").asText())));
        }
        if ((m = Pattern.compile("/distributions/sms/(SMSD_[A-Za-z0-9]+)").matcher(path)).matches() && method.equals("DELETE")) {
            if (!query.containsKey("surveyId")) {
                return fail(400, "surveyId is required", "MISSING_SURVEY");
            }
            return smsDistributions.remove(m.group(1)) == null ? fail(404, "Distribution not found", "DIST_NF") : ok(null);
        }
        if (path.equals("/surveys") && method.equals("GET")) {
            return ok(list(surveys, survey -> true));
        }
        if (path.equals("/eventsubscriptions")) {
            return method.equals("GET") ? ok(list(subscriptions(), s -> true)) : method.equals("POST") ? subscribe(body) : fail(405, "Method not allowed", "MNA");
        }
        if ((m = Pattern.compile("/eventsubscriptions/(SUB_[A-Za-z0-9]+)").matcher(path)).matches()) {
            ObjectNode sub = subscriptions.get(m.group(1));
            if (sub == null) {
                return fail(404, "Subscription not found", "SUB_NF");
            }
            return switch (method) {
                case "GET" -> ok(sub.deepCopy());
                case "DELETE" -> {
                    subscriptions.remove(m.group(1));
                    yield ok(null);
                }
                default -> fail(405, "Method not allowed", "MNA");
            };
        }
        if ((m = Pattern.compile("/surveys/(SV_[A-Za-z0-9]+)/responses/(R_[A-Za-z0-9]+)").matcher(path)).matches() && method.equals("GET")) {
            String key = m.group(1) + "/" + m.group(2);
            ObjectNode response = responses.get(key);
            if (response == null) {
                return fail(404, "Response not found", "RESP_NF");
            }
            if (System.currentTimeMillis() < responsesReadyAt.get(key)) {
                ObjectNode result = JSON.createObjectNode().put("message", "The Survey Response is not yet available. Please try again later.");
                return new Answer(202, envelope(result, "202 - Accepted"));
            }
            return ok(response.deepCopy());
        }
        return fail(404, "Unknown path " + path, "NOT_FOUND");
    }

    private Answer listContacts(Map<String, String> query) {
        int asked = Math.max(1, Integer.parseInt(query.getOrDefault("pageSize", "100")));
        int size = Math.min(asked, MAX_PAGE_SIZE);
        int offset = 0;
        int page = 0;
        if (query.containsKey("skipToken")) {
            String[] token = new String(Base64.getUrlDecoder().decode(query.get("skipToken")), StandardCharsets.UTF_8).split(":");
            offset = Integer.parseInt(token[0]);
            page = Integer.parseInt(token[1]);
        }
        int odd = pageSizes.applyAsInt(page);
        if (odd > 0) {
            size = Math.min(odd, size);
        }
        List<ObjectNode> all = contacts();
        ObjectNode result = JSON.createObjectNode();
        ArrayNode elements = result.putArray("elements");
        for (int i = offset; i < Math.min(all.size(), offset + size); i++) {
            ObjectNode thin = JSON.createObjectNode();
            for (String field : List.of("contactId", "firstName", "lastName", "email", "phone", "extRef", "language", "unsubscribed")) {
                thin.set(field, all.get(i).get(field));
            }
            elements.add(thin);
        }
        if (offset + size < all.size()) {
            // a looping server sends the hub back to an earlier page
            String next = loopAfterPages >= 0 && page + 1 >= loopAfterPages ? "0:0" : (offset + size) + ":" + (page + 1);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(next.getBytes(StandardCharsets.UTF_8));
            result.put("nextPage", baseUrl() + "/API/v3/directories/" + DIRECTORY + "/contacts?pageSize=" + asked
                    + "&useNewPaginationScheme=true&skipToken=" + token);
        } else {
            result.putNull("nextPage");
        }
        return ok(result);
    }

    private Answer createContact(String body) throws IOException {
        JsonNode input = JSON.readTree(body);
        if (!(input instanceof ObjectNode contact)) {
            return fail(400, "Body must be a JSON object", "BAD_JSON");
        }
        Answer refused = checkContactKeys(contact, true);
        if (refused != null) {
            return refused;
        }
        ObjectNode stored = store(contact.deepCopy());
        return ok(JSON.createObjectNode().put("id", stored.path("contactId").asText()));
    }

    private Answer updateContact(ObjectNode contact, String body) throws IOException {
        JsonNode input = JSON.readTree(body);
        if (!(input instanceof ObjectNode update)) {
            return fail(400, "Body must be a JSON object", "BAD_JSON");
        }
        Answer refused = checkContactKeys(update, false);
        if (refused != null) {
            return refused;
        }
        synchronized (contacts) {
            contact.setAll(update);
            contact.put("lastModified", System.currentTimeMillis());
        }
        return ok(null);
    }

    private static Answer checkContactKeys(ObjectNode contact, boolean create) {
        for (Iterator<String> names = contact.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!CONTACT_KEYS.contains(name)) {
                return fail(400, "Unexpected json key provided: " + name, "UNEXPECTED_KEY");
            }
            JsonNode value = contact.get(name);
            if (name.equals("email") && value.isNull()) {
                return fail(400, "email cannot be empty", "EMPTY_EMAIL");
            }
            if (create && value.isTextual() && value.asText().isEmpty()) {
                return fail(400, name + " cannot be empty", "EMPTY_FIELD");
            }
        }
        return null;
    }

    private Answer searchContacts(String body) throws IOException {
        JsonNode filter = JSON.readTree(body).path("filter");
        String type = filter.path("filterType").asText();
        if (!filter.path("comparison").asText().equals("eq") || !(type.equals("extRef") || type.equals("email"))) {
            return fail(400, "Unsupported filter", "BAD_FILTER");
        }
        String value = filter.path("value").asText();
        ObjectNode result = JSON.createObjectNode();
        ArrayNode elements = result.putArray("elements");
        contacts().stream().filter(c -> value.equals(c.path(type).asText())).forEach(c -> elements.add(c.deepCopy()));
        result.putNull("nextPage");
        return ok(result);
    }

    private Answer createEmailDistribution(String body) throws IOException {
        JsonNode d = JSON.readTree(body);
        String problem = null;
        if (!d.path("surveyLink").path("surveyId").asText().startsWith("SV_")) {
            problem = "surveyLink.surveyId is required";
        } else if (d.path("header").path("fromEmail").asText().isEmpty() || d.path("header").path("subject").asText().isEmpty()) {
            problem = "header.fromEmail and header.subject are required";
        } else if (!messageValid(d.path("message"))) {
            problem = "message needs messageText or libraryId and messageId";
        } else if (recipientSources(d.path("recipients")) != 1) {
            problem = "The email-distribution has no recipients and no parent. This distribution type may be unsupported.";
        } else if (recipientsProblem(d.path("recipients")) != null) {
            problem = recipientsProblem(d.path("recipients"));
        } else if (!UTC.matcher(d.path("sendDate").asText()).matches()) {
            problem = "sendDate must be yyyy-MM-ddTHH:mm:ssZ";
        }
        if (problem != null) {
            return fail(400, problem, "CP_TD_GER_NP");
        }
        String id = "EMD_" + String.format("%015d", ids.incrementAndGet());
        emailDistributions.put(id, ((ObjectNode) d.deepCopy()).put("id", id).put("requestType", "Invite").put("createdDate", now()));
        return ok(JSON.createObjectNode().put("id", id));
    }

    private Answer createFollowUp(String parent, String kind, String body) throws IOException {
        JsonNode d = JSON.readTree(body);
        if (d.has("recipients") || d.has("surveyLink") || !messageValid(d.path("message"))
                || !UTC.matcher(d.path("sendDate").asText()).matches()) {
            return fail(400, "A " + kind + " takes header, message and sendDate only", "CP_BAD_FOLLOWUP");
        }
        String id = "EMD_" + String.format("%015d", ids.incrementAndGet());
        emailDistributions.put(id, ((ObjectNode) d.deepCopy()).put("id", id).put("parentDistributionId", parent).put("createdDate", now())
                .put("requestType", kind.equals("reminders") ? "Reminder" : "ThankYou"));
        return ok(JSON.createObjectNode().put("distributionId", id));
    }

    private Answer createSmsDistribution(String body) throws IOException {
        JsonNode d = JSON.readTree(body);
        String method = d.path("method").asText();
        boolean invite = method.equals("Invite") || method.equals("Interactive");
        boolean followUp = method.equals("Reminder") || method.equals("Thankyou");
        String problem = null;
        if (!invite && !followUp) {
            problem = "method must be Invite, Interactive, Reminder or Thankyou";
        } else if (!d.path("surveyId").asText().startsWith("SV_")) {
            problem = "surveyId is required";
        } else if (invite && recipientSources(d.path("recipients")) != 1) {
            problem = "recipients needs one of mailingListId, transactionBatchId or sampleId for " + method;
        } else if (invite && recipientsProblem(d.path("recipients")) != null) {
            problem = recipientsProblem(d.path("recipients"));
        } else if (followUp && d.has("recipients")) {
            problem = "recipients are not allowed for " + method;
        } else if (invite == d.has("parentDistributionId")) {
            problem = "parentDistributionId is " + (invite ? "not allowed" : "required") + " for " + method;
        } else if (method.equals("Interactive") ? d.has("message") : !messageValid(d.path("message"))) {
            problem = method.equals("Interactive") ? "message is not sent for Interactive" : "message is required for " + method;
        } else if (!UTC.matcher(d.path("sendDate").asText()).matches()) {
            problem = "sendDate must be yyyy-MM-ddTHH:mm:ssZ";
        }
        if (problem != null) {
            return fail(400, problem, "SMS_INVALID");
        }
        String id = "SMSD_" + String.format("%014d", ids.incrementAndGet());
        smsDistributions.put(id, ((ObjectNode) d.deepCopy()).put("id", id).put("createdDate", now()));
        return ok(JSON.createObjectNode().put("id", id));
    }

    private static String now() {
        return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static boolean messageValid(JsonNode message) {
        boolean text = message.hasNonNull("messageText");
        boolean library = message.hasNonNull("libraryId") && message.hasNonNull("messageId");
        return text != library;
    }

    /** What a recipients block with one source gets wrong: a single contact is one of a mailing list, a sample one of the directory's. */
    private static String recipientsProblem(JsonNode recipients) {
        if (recipients.hasNonNull("contactId") && !recipients.hasNonNull("mailingListId")) {
            return "recipients.contactId needs the mailingListId it belongs to";
        }
        if (recipients.hasNonNull("sampleId") && !recipients.path("sampleId").asText().equals(SAMPLE)) {
            return "recipients.sampleId: no sample " + recipients.path("sampleId").asText() + " in the directory";
        }
        return null;
    }

    private static int recipientSources(JsonNode recipients) {
        int sources = 0;
        for (String source : List.of("mailingListId", "transactionBatchId", "sampleId")) {
            sources += recipients.hasNonNull(source) ? 1 : 0;
        }
        return sources;
    }

    private Answer subscribe(String body) throws IOException {
        JsonNode s = JSON.readTree(body);
        if (!s.path("topics").isTextual() || !s.path("publicationUrl").isTextual()) {
            return fail(400, "topics and publicationUrl are required", "SUB_INVALID");
        }
        String id = "SUB_" + String.format("%013d", ids.incrementAndGet());
        ObjectNode stored = JSON.createObjectNode().put("id", id).put("scope", "brand").put("topics", s.path("topics").asText())
                .put("publicationUrl", s.path("publicationUrl").asText()).put("encrypted", s.path("encrypt").asBoolean(false))
                .put("successfulCalls", 0);
        subscriptions.put(id, stored);
        if (s.hasNonNull("sharedKey")) {
            sharedKeys.put(id, s.path("sharedKey").asText());
        }
        return ok(JSON.createObjectNode().put("id", id));
    }

    private final Map<String, String> sharedKeys = new ConcurrentHashMap<>();

    /** The shared key a subscription was created with (not shown by the API). */
    /** As if the subscription had been made with another key. */
    public void setSharedKey(String subscriptionId, String key) {
        sharedKeys.put(subscriptionId, key);
    }

    public String sharedKey(String subscriptionId) {
        return sharedKeys.get(subscriptionId);
    }

    private static ObjectNode list(Iterable<ObjectNode> items, java.util.function.Predicate<ObjectNode> filter) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode elements = result.putArray("elements");
        for (ObjectNode item : items) {
            if (filter.test(item)) {
                elements.add(item.deepCopy());
            }
        }
        result.putNull("nextPage");
        return result;
    }

    private boolean authorised(HttpExchange exchange) {
        String apiToken = exchange.getRequestHeaders().getFirst("X-API-TOKEN");
        if (apiToken != null) {
            return apiToken.equals(API_TOKEN);
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        Long expires = auth != null && auth.startsWith("Bearer ") ? bearerTokens.get(auth.substring(7)) : null;
        return expires != null && expires > System.currentTimeMillis();
    }

    /** Every bearer token issued so far stops working. */
    public void expireTokens() {
        bearerTokens.replaceAll((token, expiry) -> 0L);
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        Map<String, String> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!expected.equals(auth) || !"client_credentials".equals(form.get("grant_type"))) {
            byte[] bytes = "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, bytes.length);
            exchange.getResponseBody().write(bytes);
            return;
        }
        String token = UUID.randomUUID().toString();
        bearerTokens.put(token, System.currentTimeMillis() + TOKEN_LIFETIME_SECONDS * 1000);
        byte[] bytes = JSON.createObjectNode().put("access_token", token).put("token_type", "Bearer")
                .put("expires_in", TOKEN_LIFETIME_SECONDS).put("scope", form.getOrDefault("scope", "")).toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private Fault takeFault(String method, String path) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext();) {
            Fault fault = it.next();
            if (fault.method().equals(method) && path.contains(fault.pathPart())) {
                if (faults.remove(fault)) {
                    return fault;
                }
            }
        }
        return null;
    }

    private Answer ok(JsonNode result) {
        return new Answer(200, envelope(result, "200 - OK"));
    }

    private ObjectNode envelope(JsonNode result, String status) {
        ObjectNode body = JSON.createObjectNode();
        if (result != null) {
            body.set("result", result);
        }
        ObjectNode meta = body.putObject("meta").put("httpStatus", status).put("requestId", UUID.randomUUID().toString());
        if (notice != null) {
            meta.put("notice", notice);
        }
        return body;
    }

    private static Answer fail(int status, String message, String code) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("meta").put("httpStatus", status + " - " + reason(status)).put("requestId", UUID.randomUUID().toString())
                .putObject("error").put("errorCode", code).put("errorMessage", message);
        return new Answer(status, body);
    }

    private static void error(HttpExchange exchange, int status, String reason, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("meta").put("httpStatus", status + " - " + reason).put("requestId", UUID.randomUUID().toString())
                .putObject("error").put("errorCode", code).put("errorMessage", message);
        if (status >= 500) {
            error.put("instanceId", "fake-instance-1");
        }
        send(exchange, status, body);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Temporary Internal Server Error";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> parse(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static void await(CountDownLatch release) {
        try {
            release.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
