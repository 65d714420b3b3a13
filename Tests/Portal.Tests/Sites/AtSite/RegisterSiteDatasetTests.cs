using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Datasets;
using Portal.Features.Datasets.Registration;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.AtSite;

/// <summary>An owner registers a dataset her real site agent exposes: the agent describes it; nothing else is stored.</summary>
public sealed class RegisterSiteDatasetTests(SiteHospitalPortalFactory portal) : IClassFixture<SiteHospitalPortalFactory>
{
    private DatasetServices Datasets => portal.Services.GetRequiredService<DatasetServices>();

    [Fact]
    public async Task The_agent_describes_the_dataset_and_the_portal_stores_its_columns_and_no_credential()
    {
        await using var agent = await SiteWorld.AgentForPatientsAsync(portal);
        var agentId = await AgentIdAsync();
        var alice = SiteAgentKit.CallerFor(DemoSeed.Alice);

        var registered = await RegisterSiteDataset.HandleAsync(Datasets, alice,
            new RegisterSiteDataset.Input("Admissions at the site", "Through the agent.", agentId, "recent_admissions"), CancellationToken.None);
        Assert.True(registered.Succeeded, registered.Failure?.Code);
        await using var db = portal.CreateDb();
        var dataset = await db.Datasets.SingleAsync(d => d.Id == registered.Value!.Id);
        Assert.Equal(ConnectorKind.Agent, dataset.Connector.Kind);
        Assert.Equal("recent_admissions", dataset.Connector.SiteDataset);
        Assert.Null(dataset.Connector.Host);
        Assert.Null(dataset.Connector.ProtectedPassword);
        Assert.Contains(dataset.Columns, c => c.Name == "mrn" && c.Classification == ColumnClass.Unclassified);
        Assert.Contains(dataset.Columns, c => c.Name == "birth_date");
    }

    [Fact]
    public async Task A_dataset_the_site_does_not_expose_or_someone_elses_agent_is_refused_and_nothing_is_stored()
    {
        await using var agent = await SiteWorld.AgentForPatientsAsync(portal);
        var agentId = await AgentIdAsync();
        await using var db = portal.CreateDb();
        var before = await db.Datasets.CountAsync();

        var notExposed = await RegisterSiteDataset.HandleAsync(Datasets, SiteAgentKit.CallerFor(DemoSeed.Alice),
            new RegisterSiteDataset.Input("Staff", null, agentId, "staff_salaries"), CancellationToken.None);
        Assert.Equal("dataset.site.not_exposed", notExposed.Failure?.Code);

        var notHers = await RegisterSiteDataset.HandleAsync(Datasets, SiteAgentKit.CallerFor(DemoSeed.Carol),
            new RegisterSiteDataset.Input("Patients again", null, agentId, "patients"), CancellationToken.None);
        Assert.Equal("dataset.site.agent_unknown", notHers.Failure?.Code);
        Assert.Equal(before, await db.Datasets.CountAsync());
    }

    private async Task<Guid> AgentIdAsync()
    {
        await using var db = portal.CreateDb();
        return (await db.Datasets.SingleAsync(d => d.Id == DemoSeed.PatientsDataset)).Connector.AgentId!.Value;
    }
}
