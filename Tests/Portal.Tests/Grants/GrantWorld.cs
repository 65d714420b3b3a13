using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Features.Grants;
using Portal.Features.VirtualOrganizations;
using Portal.Policy;
using Portal.Policy.Model;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Grants;

/// <summary>
/// Fresh scenes on the demo data, written straight into the database (not through the services under test): a dataset
/// of Alice's (Carol stewards it) shared into the demo VO, so that tests in one class never share a request or grant.
/// </summary>
internal static class GrantWorld
{
    public static readonly string[] Columns = ["patient_id", "birth_date", "sex", "diagnosis_code", "cd4_count", "research_consent"];

    /// <summary>A dataset like the demo's patients (DS:HIV, IRB), without an anonymization profile: a permitted export answers 409, not data.</summary>
    public static async Task<Guid> DatasetAsync(PortalFactory portal, Guid? sharedInto = null, string primary = "DS", string[]? modifiers = null)
    {
        var now = portal.Clock.GetUtcNow();
        var id = Guid.NewGuid();
        await using (var db = portal.CreateDb())
        {
            db.Datasets.Add(new Dataset
            {
                Id = id,
                OwnerId = DemoSeed.Alice,
                Name = NameOf(id),
                Description = "A test dataset",
                Status = DatasetStatus.Active,
                Connector = new ConnectorSettings { Kind = ConnectorKind.Csv, FilePath = "none.csv" },
                Columns = [.. Columns.Select(c => new DatasetColumn { Name = c, DataType = "text", Classification = ColumnClass.Other })],
                DataUse = new DataUseConditions { Primary = primary, Diseases = primary == "DS" ? ["HIV"] : [], Modifiers = [.. modifiers ?? ["IRB"]] },
                TermsOfUse = "Use the data only for the stated purpose.",
                TermsVersion = 2,
                ProfileVersion = 3,
                DefaultK = 7,
                CreatedAt = now,
                UpdatedAt = now,
            });
            await db.SaveChangesAsync();
            db.DatasetStewards.Add(new DatasetSteward { DatasetId = id, UserId = DemoSeed.Carol, AddedById = DemoSeed.Alice, AddedAt = now });
            db.DatasetShares.Add(new DatasetShare { DatasetId = id, VoId = sharedInto ?? DemoSeed.CohortVo, SharedById = DemoSeed.Alice, SharedAt = now });
            await db.SaveChangesAsync();
        }
        // Bob sees a dataset of the demo VO once the engine has its share; a steward manages it once it has the stewards.
        var (who, action) = sharedInto is null ? (DemoSeed.Bob, PolicyAction.ViewMetadata) : (DemoSeed.Carol, PolicyAction.ManageDataset);
        await WaitForPolicyAsync(portal, () => portal.Services.GetRequiredService<PolicyEngine>().Current.Decide(
            new AccessQuestion(who, action, id, now, default, Client.Ui)).IsPermit);
        return id;
    }

    public static string NameOf(Guid datasetId) => $"Cohort {datasetId:N}"[..20];

    /// <summary>A VO (Dave admin, Bob and Alice members) the given dataset is shared into.</summary>
    public static async Task<Guid> VoAsync(PortalFactory portal, Guid datasetId)
    {
        var now = portal.Clock.GetUtcNow();
        var id = Guid.NewGuid();
        await using var db = portal.CreateDb();
        db.VirtualOrganizations.Add(new VirtualOrganization
        {
            Id = id,
            Name = $"Grant VO {id:N}"[..20],
            CreatedById = DemoSeed.Dave,
            CreatedAt = now,
            Memberships =
            [
                Member(DemoSeed.Dave, VoRole.Admin, now),
                Member(DemoSeed.Bob, VoRole.Member, now),
                Member(DemoSeed.Alice, VoRole.Member, now),
            ],
        });
        db.DatasetShares.Add(new DatasetShare { DatasetId = datasetId, VoId = id, SharedById = DemoSeed.Alice, SharedAt = now });
        await db.SaveChangesAsync();
        return id;
    }

    private static Membership Member(Guid user, VoRole role, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        UserId = user,
        Role = role,
        Status = MembershipStatus.Active,
        CreatedAt = now,
        ActivatedAt = now,
        ExpiresAt = now.AddDays(200),
    };

    /// <summary>A personal grant for Bob, written directly.</summary>
    public static async Task<Guid> BobGrantAsync(PortalFactory portal, Guid datasetId, TimeSpan lasts)
    {
        var now = portal.Clock.GetUtcNow();
        var id = Guid.NewGuid();
        await using (var db = portal.CreateDb())
        {
            db.Grants.Add(new Grant
            {
                Id = id,
                DatasetId = datasetId,
                GranteeKind = GranteeKind.Person,
                GranteeUserId = DemoSeed.Bob,
                Purposes = [new Purpose { Code = "DS", Disease = "HIV" }],
                ProfileVersion = 3,
                K = 7,
                ValidFrom = now,
                ValidUntil = now + lasts,
                CreatedById = DemoSeed.Alice,
                CreatedAt = now,
            });
            await db.SaveChangesAsync();
        }
        return id;
    }

    public static async Task WaitForPolicyAsync(PortalFactory portal, Func<bool> condition)
    {
        await portal.PolicyLoadedAsync();
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "the policy engine did not follow the database within 5 s");
            await Task.Delay(10);
        }
    }

    public static async Task<HttpClient> AsAsync(PortalFactory portal, Guid user)
    {
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    /// <summary>A valid request body for the dataset: DS:HIV with an ethics reference, for the given days from now.</summary>
    public static Dictionary<string, object?> Request(Guid datasetId, DateTimeOffset now, int days = 30) => new()
    {
        ["datasetId"] = datasetId,
        ["purpose"] = "DS:HIV",
        ["commercial"] = false,
        ["description"] = "Long-term outcomes of HIV care.",
        ["ethicsReference"] = "UNI-IRB-2026-200",
        ["from"] = now,
        ["until"] = now.AddDays(days),
        ["columns"] = new[] { "birth_date", "sex", "cd4_count" },
        ["acceptTerms"] = true,
        ["termsVersion"] = 2,
    };

    public static async Task<JsonElement> CreatedRequestAsync(HttpClient client, Dictionary<string, object?> body)
    {
        using var response = await client.PostAsJsonAsync("/api/access-requests", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Everything a refused request must leave as it was.</summary>
    public static async Task<string> SnapshotAsync(PortalFactory portal)
    {
        await using var db = portal.CreateDb();
        var requests = await db.AccessRequests.OrderBy(r => r.Id).Select(r => r.Id + ":" + r.Status + ":" + r.GrantId).ToListAsync();
        var grants = await db.Grants.OrderBy(g => g.Id).Select(g => g.Id + ":" + g.ValidUntil + ":" + g.RevokedAt).ToListAsync();
        return $"{string.Join('|', requests)}#{string.Join('|', grants)}#{await db.AuditEvents.CountAsync()}#{await db.Notifications.CountAsync()}";
    }

    public static async Task<List<string>> AuditTypesAsync(PortalFactory portal, Guid datasetId)
    {
        await using var db = portal.CreateDb();
        return await db.AuditEvents.Where(e => e.DatasetId == datasetId).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync();
    }
}
