using Npgsql;
using Portal.Connectors.Sources;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Sources.Postgres;

namespace Portal.Connectors.SiteAgent.SitePolicy;

/// <summary>Opens an exposed dataset's source with the site's own credentials and file roots; nothing else is reachable.</summary>
public sealed class SiteSources(SiteConfig config)
{
    public ExportSource Open(DatasetPolicy dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.File is { } file)
        {
            var roots = new FileRoots(config.FileRoots);
            return dataset.FileKind == "parquet" ? new ParquetSource(roots, file) : new CsvSource(roots, file);
        }
        var source = config.Sources[dataset.Source!];
        var connectionString = source.ConnectionString ?? ReadConnectionString(source.ConnectionStringFile!);
        var relation = dataset.Relation!;
        var dot = relation.IndexOf('.', StringComparison.Ordinal);
        return new PostgresSource(new PostgresSourceOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "site-agent" }.ConnectionString,
            Schema = dot < 0 ? "public" : relation[..dot],
            Relation = dot < 0 ? relation : relation[(dot + 1)..],
        });
    }

    private static string ReadConnectionString(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConnectorException("site.source.unreadable", $"the connection string file {path} cannot be read: {e.Message}");
        }
    }
}
