using Microsoft.Extensions.Configuration;
using Portal.Connectors.Sources.Postgres;
using Portal.Features.Datasets.Sources;
using Portal.Hosting;

namespace Portal.Tests.Datasets.Sources;

public sealed class ClassCountSettingTests
{
    private static IConfiguration Config(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Connectors:PostgresClassCount"] = value }).Build();

    [Theory]
    [InlineData(null, PostgresClassCount.FirstPass)]
    [InlineData("", PostgresClassCount.FirstPass)]
    [InlineData("FirstPass", PostgresClassCount.FirstPass)]
    [InlineData("GroupBy", PostgresClassCount.GroupBy)]
    [InlineData("groupby", PostgresClassCount.GroupBy)]
    public void Names_are_read_and_unset_means_first_pass(string? value, PostgresClassCount expected) =>
        Assert.Equal(expected, DatasetSources.ReadClassCount(Config(value)));

    [Theory]
    [InlineData("1")]
    [InlineData("Fast")]
    [InlineData("GroupBy;")]
    public void Anything_else_is_a_configuration_error_naming_the_setting(string value)
    {
        var e = Assert.Throws<PortalConfigurationException>(() => DatasetSources.ReadClassCount(Config(value)));
        Assert.Equal($"Connectors:PostgresClassCount must be FirstPass or GroupBy, not '{value}'.", e.Message);
    }
}
