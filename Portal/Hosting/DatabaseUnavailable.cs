using Npgsql;

namespace Portal.Hosting;

/// <summary>
/// Tells "PostgreSQL cannot be reached right now" (restart, failover, network) from a bug: the first is a 503 with
/// Retry-After that clears by itself, the second a 500. EF Core wraps the driver's error, so the whole chain is read.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>How long clients are asked to wait: a restart of PostgreSQL takes a few seconds.</summary>
    public const int RetryAfterSeconds = 5;

    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Connection exceptions (08…), insufficient resources (53…), shutdown or start-up in progress (57P…).
                case PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                    || pg.SqlState.StartsWith("57P", StringComparison.Ordinal):
                    return true;
                case PostgresException:
                    return false;
                // No answer from the server at all: refused, reset, timed out.
                case NpgsqlException { IsTransient: true }:
                    return true;
                default:
                    break;
            }
        }
        return false;
    }
}
