using Portal.Connectors.SiteAgent.SitePolicy;

namespace Portal.Connectors.SiteAgent.Tests;

/// <summary>File datasets open under the site's file roots only, the way uploads will reach the portal through an agent.</summary>
public sealed class SiteSourcesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("site-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SiteConfig Config(string file) => SiteConfig.Parse(
        """{"stateDirectory": "state", "fileRoots": ["files"], "datasets": {"d": {"file": "FILE"}}}""".Replace("FILE", file, StringComparison.Ordinal), _dir);

    [Fact]
    public async Task A_csv_dataset_under_a_file_root_is_described()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "files"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "files", "d.csv"), "id,age\n1,30\n2,40\n");
        var config = Config("d.csv");
        var schema = await new SiteSources(config).Open(config.Datasets["d"]).DescribeAsync();
        Assert.Equal(["id", "age"], schema.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task A_file_outside_the_roots_is_refused_with_the_connectors_code()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "files"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "secret.csv"), "id\n1\n");
        var config = Config(Path.Combine(_dir, "secret.csv"));
        var e = await Assert.ThrowsAsync<ConnectorException>(async () => await new SiteSources(config).Open(config.Datasets["d"]).DescribeAsync());
        Assert.Equal("source.file.outside_root", e.Code);
    }
}
