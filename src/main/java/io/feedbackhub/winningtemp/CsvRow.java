package io.feedbackhub.winningtemp;

/** A row as bindy read it: its cells in column order, as text. */
public interface CsvRow {

    String[] cells();
}
