using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Issue #18, I: an export (or an explanation) for someone who may not see a dataset answered grant.none when the id existed and
/// dataset.unknown when it did not, so ids could be probed. Both are now the same 404.
/// </summary>
public sealed class DatasetExistenceTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task An_outsider_gets_the_same_404_for_a_real_dataset_and_for_no_dataset()
    {
        await portal.PolicyLoadedAsync();
        using var eve = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(eve, new DemoSession.Person(TestFederation.University, "eve", "Eve Outsider", ["member"]));

        var answers = new List<(HttpStatusCode, string?)>();
        foreach (var id in new[] { Features.Demo.DemoSeed.PatientsDataset, Guid.NewGuid() })
        {
            using var response = await eve.GetAsync(new Uri($"/api/datasets/{id}/export?purpose=DS:HIV&ethics=IRB-1", UriKind.Relative));
            answers.Add((response.StatusCode, await ProblemCode.OfAsync(response)));
        }
        Assert.Equal((HttpStatusCode.NotFound, "dataset.unknown"), answers[0]);
        Assert.Equal(answers[0], answers[1]);
        await using (var db = portal.CreateDb())
        {
            // The audit keeps what the policy really said.
            Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "export.denied" && e.DatasetId == Features.Demo.DemoSeed.PatientsDataset && e.Reason != null && e.Reason != "dataset.unknown"));
        }

        var explained = new List<string>();
        foreach (var id in new[] { Features.Demo.DemoSeed.PatientsDataset, Guid.NewGuid() })
        {
            using var response = await eve.GetAsync(new Uri($"/api/datasets/{id}/access/explain?purpose=DS:HIV", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            explained.Add(string.Join(" ", body.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString())));
        }
        Assert.Equal("dataset.unknown", explained[0]);
        Assert.Equal(explained[0], explained[1]);
    }
}
