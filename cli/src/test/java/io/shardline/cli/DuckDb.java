package io.shardline.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Queries over Parquet files with DuckDB (in memory): a reader that shares no code with the writer. */
final class DuckDb {

    private DuckDb() {}

    /** The rows of a query, each as its columns' values rendered as text. */
    static List<List<String>> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    /** One value: the first column of the first row. */
    static String one(String sql) throws SQLException {
        return query(sql).get(0).get(0);
    }

    /** {@code read_parquet([...])} over these files. */
    static String files(List<Path> files) {
        return "read_parquet([" + files.stream().map(f -> "'" + f.toAbsolutePath().toString().replace("'", "''") + "'")
                .collect(Collectors.joining(", ")) + "])";
    }
}
