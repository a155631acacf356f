package com.sikkerapi.guard.feed;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Addresses in one column of CSV, read with Jackson's CSV parser (quoting and embedded separators handled). The
 * column is a header name (the first row is the header) or a 1-based number (a first row whose cell is not an
 * address is taken as a header and skipped, not counted as bad).
 */
public final class CsvFeedParser implements FeedParser {
    private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES).enable(CsvParser.Feature.TRIM_SPACES);

    private final String column;

    public CsvFeedParser(String column) {
        if (column.isBlank()) {
            throw new IllegalArgumentException("format csv needs a column, e.g. csv:ip or csv:1");
        }
        this.column = column;
    }

    @Override
    public void parse(InputStream in, EntrySink sink) throws IOException {
        long[] scratch = new long[2];
        int index = column.chars().allMatch(Character::isDigit) ? Integer.parseInt(column) - 1 : -1;
        try (MappingIterator<List<String>> rows = CSV.readerForListOf(String.class)
                .with(CsvSchema.emptySchema()).readValues(in)) {
            boolean first = true;
            while (rows.hasNextValue()) {
                List<String> row = rows.nextValue();
                int line = rows.getCurrentLocation().getLineNr() - 1;
                if (first) {
                    first = false;
                    if (index < 0) {
                        index = row.indexOf(column);
                        if (index < 0) {
                            throw new FeedFormatException("the csv header has no column " + column + " (line " + line
                                    + ", " + row.size() + " columns)");
                        }
                        continue;
                    }
                    if (index < row.size() && !looksLikeAddress(row.get(index))) {
                        continue;
                    }
                }
                if (index >= row.size()) {
                    sink.invalid(line, "row has no column " + column, String.join(",", row));
                } else {
                    AddressToken.parse(row.get(index), line, sink, scratch);
                }
            }
        }
    }

    private static boolean looksLikeAddress(String cell) {
        return !cell.isEmpty() && (Character.isDigit(cell.charAt(0)) || cell.indexOf(':') >= 0);
    }
}
