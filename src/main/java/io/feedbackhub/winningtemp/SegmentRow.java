package io.feedbackhub.winningtemp;

import org.apache.camel.dataformat.bindy.annotation.CsvRecord;
import org.apache.camel.dataformat.bindy.annotation.DataField;

/** A row of the segments file. The header is checked by {@link SnapshotFile}, so bindy never skips a line. */
@CsvRecord(separator = ";", crlf = "UNIX", skipFirstLine = false)
public class SegmentRow implements CsvRow {

    @DataField(pos = 1)
    public String id;

    @DataField(pos = 2)
    public String name;

    @Override
    public String[] cells() {
        return new String[] { id, name };
    }
}
