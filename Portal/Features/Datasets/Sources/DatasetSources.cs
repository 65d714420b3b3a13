using Npgsql;
using Portal.Connectors.Sources;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Sources.Postgres;
using Portal.Hosting;

namespace Portal.Features.Datasets.Sources;

/// <summary>
/// Opens a dataset's source as the operator allows: PostgreSQL only on allow-listed hosts
/// (Connectors:AllowedHosts), files only under the configured folders (Connectors:FileRoots, and the folder owners'
/// uploads are stored in, Connectors:UploadFolder). Deny by default. Connectors:PostgresClassCount chooses where
/// PostgreSQL sources' classes are counted (FirstPass, the default, or GroupBy: see <see cref="PostgresClassCount"/>).
/// </summary>
public sealed class DatasetSources(IConfiguration configuration, DatasetCredentials credentials)
{
    private readonly string[] _allowedHosts = configuration.GetSection("Connectors:AllowedHosts").Get<string[]>() ?? [];
    private readonly string[] _fileRoots = [
        .. configuration.GetSection("Connectors:FileRoots").Get<string[]>() ?? [],
        .. configuration["Connectors:UploadFolder"] is { Length: > 0 } uploads ? new[] { uploads } : [],
    ];

    private readonly PostgresClassCount _classCount = ReadClassCount(configuration);

    /// <summary>Connectors:PostgresClassCount by name (any case), FirstPass when unset; read at start-up so a wrong value stops the portal there.</summary>
    public static PostgresClassCount ReadClassCount(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration["Connectors:PostgresClassCount"];
        if (string.IsNullOrEmpty(value))
        {
            return PostgresClassCount.FirstPass;
        }
        var name = Enum.GetNames<PostgresClassCount>().FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase))
            ?? throw new PortalConfigurationException($"Connectors:PostgresClassCount must be {string.Join(" or ", Enum.GetNames<PostgresClassCount>())}, not '{value}'.");
        return Enum.Parse<PostgresClassCount>(name);
    }

    private readonly NpgsqlConnectionStringBuilder? _portal =
        configuration.GetConnectionString("Portal") is { Length: > 0 } portal ? new NpgsqlConnectionStringBuilder(portal) : null;

    /// <summary>
    /// The portal's own database, however it is spelled: same database on the same port of the same host, where
    /// 127.0.0.1, localhost and ::1 are one host. It is never a source, whatever the allow-list says: its tables hold
    /// sessions, token hashes and the audit trail.
    /// </summary>
    public bool IsPortalDatabase(string host, int port, string database)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (_portal?.Host is not { } portalHost || _portal.Database is not { } portalDatabase)
        {
            return false;
        }
        var portalPort = _portal.Port == 0 ? 5432 : _portal.Port;
        return port == portalPort && string.Equals(database, portalDatabase, StringComparison.OrdinalIgnoreCase)
            && portalHost.Split(',').Any(h => string.Equals(HostKey(h), HostKey(host), StringComparison.OrdinalIgnoreCase));
    }

    private static string HostKey(string host)
    {
        var h = host.Trim().Trim('[', ']');
        return h is "localhost" or "::1" or "0:0:0:0:0:0:0:1" || h.StartsWith("127.", StringComparison.Ordinal) ? "loopback" : h;
    }

    public bool IsHostAllowed(string? host) => host is not null && _allowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    public ExportSource Open(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var c = dataset.Connector;
        switch (c.Kind)
        {
            case ConnectorKind.PostgreSql:
                if (!IsHostAllowed(c.Host))
                {
                    throw new DatasetSourceException("dataset.source.host_not_allowed", $"The source host '{c.Host}' is not on the operator's allow-list (Connectors:AllowedHosts).");
                }
                var csb = new NpgsqlConnectionStringBuilder
                {
                    Host = c.Host,
                    Port = c.Port ?? 5432,
                    Database = c.Database,
                    Username = c.Username,
                    Password = c.ProtectedPassword is null ? null : credentials.Unprotect(c.ProtectedPassword),
                    ApplicationName = "portal-export",
                    Timeout = 10,
                };
                return new PostgresSource(new PostgresSourceOptions
                {
                    ConnectionString = csb.ConnectionString,
                    Schema = c.Schema ?? "public",
                    Relation = c.Relation ?? throw new DatasetSourceException("dataset.source.no_relation", "The dataset names no table or view."),
                    ClassCount = _classCount,
                });
            case ConnectorKind.Csv:
            case ConnectorKind.Parquet:
                if (_fileRoots.Length == 0 || c.FilePath is null)
                {
                    throw new DatasetSourceException("dataset.source.no_file_root", "File sources need Connectors:FileRoots and a file path.");
                }
                var roots = new FileRoots(_fileRoots);
                return c.Kind == ConnectorKind.Csv ? new CsvSource(roots, c.FilePath) : new ParquetSource(roots, c.FilePath);
            case ConnectorKind.Agent:
                // Its rows are read at the site, by its agent: the portal has no way to open them, by design.
                throw new DatasetSourceException("dataset.source.at_site", "The dataset lives behind a site agent; only the agent reads it.");
            default:
                throw new DatasetSourceException("dataset.source.unknown_kind", $"Unknown connector kind {c.Kind}.");
        }
    }
}

/// <summary>A source the operator's settings do not let the portal open; <see cref="Code"/> is listed in docs/errors.md.</summary>
#pragma warning disable CA1032 // Every refusal has a code.
public sealed class DatasetSourceException(string code, string message) : Exception(message)
#pragma warning restore CA1032
{
    public string Code { get; } = code;
}
