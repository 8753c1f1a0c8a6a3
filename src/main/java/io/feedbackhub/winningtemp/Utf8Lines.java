package io.feedbackhub.winningtemp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a snapshot file, decoded strictly as UTF-8 one line at a time, so a Latin-1 byte is
 * reported with its line number instead of turning into U+FFFD (what a Reader does, and bindy with
 * it). Lines end at LF; a CR before it is dropped; a UTF-8 BOM before the first line is skipped.
 *
 * <p>Written here because Java's readers either replace bad bytes silently or report them for a
 * buffer, not a line.
 */
final class Utf8Lines {

    record Line(int number, String text) {
    }

    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];
    private int number;
    private boolean endedWithoutBreak;

    Utf8Lines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        int length = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, BUFFER);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!any) {
                        return null;
                    }
                    endedWithoutBreak = true;
                    break;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int chunk = position - start;
            if (length + chunk > maxLineBytes) {
                throw new SnapshotRejected.Structural(number + 1, "the line is longer than " + maxLineBytes + " bytes");
            }
            if (length + chunk > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
            }
            System.arraycopy(buffer, start, line, length, chunk);
            length += chunk;
            if (position < limit) {
                position++; // the LF
                break;
            }
        }
        number++;
        int from = 0;
        if (number == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
            from = 3;
        }
        int to = length > from && line[length - 1] == '\r' ? length - 1 : length;
        return new Line(number, decode(from, to));
    }

    /** Whether the last line had no line break after it (a file cut short looks like that). */
    boolean endedWithoutBreak() {
        return endedWithoutBreak;
    }

    private String decode(int from, int to) {
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(line, from, to - from));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new SnapshotRejected.Structural(number, "bytes that are not UTF-8 (the file must be UTF-8; "
                    + "Latin-1 or Windows-1252 exports break names like Åsa Öberg)");
        }
    }
}
