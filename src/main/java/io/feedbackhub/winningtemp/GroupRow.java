package io.feedbackhub.winningtemp;

import org.apache.camel.dataformat.bindy.annotation.CsvRecord;
import org.apache.camel.dataformat.bindy.annotation.DataField;

/** A row of the groups file. */
@CsvRecord(separator = ";", crlf = "UNIX", skipFirstLine = false)
public class GroupRow implements CsvRow {

    @DataField(pos = 1)
    public String id;

    @DataField(pos = 2)
    public String name;

    @DataField(pos = 3)
    public String parentId;

    @Override
    public String[] cells() {
        return new String[] { id, name, parentId };
    }
}
