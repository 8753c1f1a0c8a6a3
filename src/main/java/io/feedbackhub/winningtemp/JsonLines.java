package io.feedbackhub.winningtemp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a JSON Lines file line by line as bytes, with each line's offset, for {@link SnapshotIndex}. */
final class JsonLines {

    interface LineHandler {
        void line(byte[] bytes, int length, long offset) throws IOException;
    }

    private JsonLines() {
    }

    static void read(InputStream in, LineHandler handler) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        byte[] line = new byte[1024];
        int length = 0;
        long offset = 0;
        long lineStart = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                offset++;
                if (b == '\n') {
                    if (length > 0) {
                        handler.line(line, length, lineStart);
                    }
                    length = 0;
                    lineStart = offset;
                } else {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[length++] = b;
                }
            }
        }
        if (length > 0) {
            handler.line(line, length, lineStart);
        }
    }
}
