package io.feedbackhub.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP/1.1 upload over a plain socket, written as slowly or partly as a test likes (what no HTTP
 * client does): the request head at once, then body bytes or chunks when the test sends them, and
 * the answer read whenever it comes, even before the body is done.
 */
public final class RawUpload implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final boolean chunked;

    private RawUpload(Socket socket, boolean chunked) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.chunked = chunked;
    }

    public static String basic(String writeKey) {
        return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** Opens a POST with this Content-Length (negative: chunked) and extra headers, and sends its head. */
    public static RawUpload start(int port, String path, long contentLength, Map<String, String> headers) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            RawUpload upload = new RawUpload(socket, contentLength < 0);
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Host", "127.0.0.1:" + port);
            all.put("Content-Type", "application/json");
            all.put(contentLength < 0 ? "Transfer-Encoding" : "Content-Length", contentLength < 0 ? "chunked" : String.valueOf(contentLength));
            all.putAll(headers);
            StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n");
            all.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            upload.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            upload.out.flush();
            return upload;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends body bytes (as one chunk when chunked); false when the hub has closed the connection. */
    public boolean send(byte[] bytes) {
        try {
            if (chunked) {
                out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(bytes);
            }
            out.flush();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Ends a chunked body. */
    public boolean finish() {
        try {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /**
     * The answer's status line and headers, waiting at most {@code wait}: null when none came in that
     * time, "" when the connection ended without one (or was reset).
     */
    public String head(Duration wait) {
        try {
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException none) {
            return null;
        } catch (IOException reset) {
            return "";
        }
    }

    /** The status of the answer (see {@link #head}): 0 when none came in time, -1 when the connection ended without one. */
    public int status(Duration wait) {
        String head = head(wait);
        if (head == null) {
            return 0;
        }
        return head.startsWith("HTTP/1.1 ") && head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
    }

    /** Whether the hub has closed the connection: a read sees its end (or a reset) within {@code wait}. */
    public boolean closedByHub(Duration wait) {
        try {
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            InputStream in = socket.getInputStream();
            byte[] rest = new byte[4096];
            while (in.read(rest) >= 0) {
                // the rest of an answer
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
