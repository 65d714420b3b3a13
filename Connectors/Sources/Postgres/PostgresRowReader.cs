using System.Globalization;
using Npgsql;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Postgres;

/// <summary>Streams rows with typed getters (no boxing); text values are the only allocation per row.</summary>
internal sealed class PostgresRowReader(NpgsqlCommand command, NpgsqlDataReader reader, PostgresReadKind[] reads, string relation) : RowReader
{
    private long _row;

    public override string Position => PositionOf(_row);

    public override string PositionOf(long row) => $"row {row.ToString(CultureInfo.InvariantCulture)} of {relation}";

    public override async ValueTask<bool> ReadAsync(Cell[] row, CancellationToken cancellationToken)
    {
        bool more;
        try
        {
            more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            throw new ConnectorException("source.postgres.read_failed", $"reading {relation} failed after {Position}: {e.MessageText}", e);
        }
        if (!more)
        {
            return false;
        }
        _row++;
        for (var i = 0; i < reads.Length; i++)
        {
            row[i] = ReadCell(reader, i, reads[i]);
        }
        return true;
    }

    public static Cell ReadCell(NpgsqlDataReader reader, int ordinal, PostgresReadKind read)
    {
        if (reader.IsDBNull(ordinal))
        {
            return Cell.Null;
        }
        return read switch
        {
            PostgresReadKind.Int16 => Cell.FromInteger(reader.GetInt16(ordinal)),
            PostgresReadKind.Int32 => Cell.FromInteger(reader.GetInt32(ordinal)),
            PostgresReadKind.Int64 => Cell.FromInteger(reader.GetInt64(ordinal)),
            PostgresReadKind.Float4 => Cell.FromReal(reader.GetFloat(ordinal)),
            PostgresReadKind.Float8 => Cell.FromReal(reader.GetDouble(ordinal)),
            PostgresReadKind.Boolean => Cell.FromBoolean(reader.GetBoolean(ordinal)),
            PostgresReadKind.Date => Cell.FromDate(reader.GetFieldValue<DateOnly>(ordinal)),
            PostgresReadKind.Timestamp => Cell.FromTimestamp(reader.GetDateTime(ordinal)),
            _ => Cell.FromText(reader.GetString(ordinal)),
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync().ConfigureAwait(false);
        await command.DisposeAsync().ConfigureAwait(false);
    }
}
