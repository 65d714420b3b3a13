using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A fresh, empty PostgreSQL database for one test class, dropped afterwards.
/// The server is the private test cluster that deploy/test.sh starts; without it the test fails, never skips.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable, IDisposable
{
    public const string ServerVariable = "PORTAL_TEST_PG";

    private readonly string _server;

    public string Name { get; }
    public string ConnectionString { get; }

    private TestDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>The superuser connection string of the test cluster (database "postgres").</summary>
    public static string Server =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set: run the tests through deploy/test.sh, which starts the test PostgreSQL cluster " +
                $"(or export {ServerVariable}=\"$(deploy/pg.sh url test)\" after deploy/pg.sh start test).");

    public static TestDatabase Create(string prefix = "t")
    {
        var server = Server;
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)];
        using var conn = new NpgsqlConnection(server);
        conn.Open();
        using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        cmd.ExecuteNonQuery();
        return new TestDatabase(server, name);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var conn = new NpgsqlConnection(_server);
        conn.Open();
        using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", conn);
        cmd.ExecuteNonQuery();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The demo hospital table exactly as deploy makes it: psql runs deploy/demo/hospital.sql (PostgreSQL's own
    /// random(), seeded) in this database.
    /// </summary>
    public void LoadHospital(string hospitalSql, int patients)
    {
        var server = new NpgsqlConnectionStringBuilder(Server);
        var psi = new ProcessStartInfo("psql") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-h", server.Host!, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.Username!,
                     "-d", Name, "-q", "-v", $"patients={patients}", "-v", "seed=0.42", "-f", hospitalSql })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["PGPASSWORD"] = server.Password;
        using var psql = Process.Start(psi)!;
        var error = psql.StandardError.ReadToEndAsync();
        psql.StandardOutput.ReadToEnd();
        psql.WaitForExit();
        if (psql.ExitCode != 0)
        {
            throw new InvalidOperationException($"psql -f {hospitalSql} failed: {error.Result}");
        }
    }
}
