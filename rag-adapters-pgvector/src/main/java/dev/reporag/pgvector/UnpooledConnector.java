package dev.reporag.pgvector;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a connection outside the small pool, for work that would otherwise hold one of it for long. */
interface UnpooledConnector {
    Connection connect() throws SQLException;
}
