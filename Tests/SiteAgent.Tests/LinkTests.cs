using System.Text;
using System.Text.Json;
using Portal.Connectors.Rows;
using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.SiteAgent.SiteLog;
using Portal.Connectors.SiteAgent.Tests.Support;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Tests;

/// <summary>
/// The agent against a real gRPC server playing the portal, over a real PostgreSQL table: enrollment, the challenge,
/// signed orders answered on Deliver calls, refusals, cancellation and the site log.
/// </summary>
public sealed class LinkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static bool OpeningIsTheAgents(FakePortal portal, Opening opening) =>
        SiteKeys.Verify(portal.AgentPublicKey, SignedPayloads.Opening(FakePortal.AgentId, opening.OrderId), opening.Proof.Span);

    [Fact]
    public async Task An_enrolled_agent_proves_itself_and_answers_a_signed_describe_from_its_database()
    {
        await using var site = await SiteUnderTest.StartAsync();
        var portal = site.Portal;
        Assert.Contains(FakePortal.AgentId, site.EnrollOutput, StringComparison.Ordinal);
        Assert.Contains(SiteKeys.Fingerprint(portal.Key.PublicKey), site.EnrollOutput, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(site.StateDirectory, "agent.key")));
        }
        Assert.Equal(["patients"], portal.HelloDatasets);
        Assert.False(string.IsNullOrEmpty(portal.HelloVersion));

        var order = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow, OrderKind.Describe);
        await portal.SendAsync(portal.Key.Sign(order));
        var delivered = await portal.DeliveryOf(order.OrderId).WaitAsync(Wait);

        Assert.Equal("", delivered.Opening!.RefusalCode);
        Assert.True(OpeningIsTheAgents(portal, delivered.Opening));
        Assert.Equal(1, delivered.Chunks);
        var schema = SiteSchemaJson.FromJson(Encoding.UTF8.GetString(delivered.Data.ToArray()));
        Assert.Equal(["id", "age", "mrn", "full_name"], schema.Columns.Select(c => c.Name));
        Assert.Equal(ColumnType.Integer, schema.Columns[1].Type);
        Assert.Equal(60, schema.RowEstimate);
        Assert.True(SiteKeys.Verify(portal.AgentPublicKey, SignedPayloads.Manifest(FakePortal.AgentId, order.OrderId, delivered.Closing!.ManifestJson), delivered.Closing.Signature.Span));
        Assert.Equal([SiteLogEvents.Accepted, SiteLogEvents.Completed], site.Log().Where(e => e.OrderId == order.OrderId).Select(e => e.Event));
        Assert.True(SiteLogVerifier.Verify(site.LogPath).Valid);
    }

    [Fact]
    public async Task An_export_streams_anonymized_rows_and_a_signed_manifest_of_exactly_those_bytes()
    {
        await using var site = await SiteUnderTest.StartAsync(patients: 5000);
        var portal = site.Portal;
        var order = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow);
        await portal.SendAsync(portal.Key.Sign(order));
        var delivered = await portal.DeliveryOf(order.OrderId).WaitAsync(Wait);

        Assert.Null(delivered.Failed);
        var csv = Encoding.UTF8.GetString(delivered.Data.ToArray());
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,age", lines[0]);
        Assert.Equal(5001, lines.Length);
        Assert.DoesNotContain(SiteUnderTest.Canary, csv, StringComparison.Ordinal);
        Assert.DoesNotContain("p1,", csv, StringComparison.Ordinal);
        Assert.True(delivered.Chunks > 1);
        using var manifest = JsonDocument.Parse(delivered.Closing!.ManifestJson);
        Assert.Equal(5000, manifest.RootElement.GetProperty("rowsWritten").GetInt64());
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(delivered.Data.ToArray()));
        Assert.Equal(sha, manifest.RootElement.GetProperty("sha256").GetString());
        var completed = await site.LoggedAsync(order.OrderId, SiteLogEvents.Completed, Wait);
        Assert.Equal((5000L, sha), (completed.Rows!.Value, completed.Sha256));
    }

    [Fact]
    public async Task A_preview_lets_only_its_first_rows_leave_and_a_checkpoint_is_kept_in_the_site_log()
    {
        await using var site = await SiteUnderTest.StartAsync(patients: 500);
        var portal = site.Portal;
        var order = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow, OrderKind.Preview);
        order.RowLimit = 3;
        await portal.SendAsync(portal.Key.Sign(order));
        var delivered = await portal.DeliveryOf(order.OrderId).WaitAsync(Wait);

        Assert.NotNull(delivered.Closing);
        var lines = Encoding.UTF8.GetString(delivered.Data.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Equal(2, JsonDocument.Parse(l).RootElement.EnumerateObject().Count()));
        var completed = await site.LoggedAsync(order.OrderId, SiteLogEvents.Completed, Wait);
        Assert.Equal(3, completed.Rows);

        await portal.Outgoing.Writer.WriteAsync(new PortalMessage { Checkpoint = new Checkpoint { Body = Google.Protobuf.ByteString.CopyFromUtf8("head"), Signature = Google.Protobuf.ByteString.CopyFromUtf8("sig") } });
        var until = DateTime.UtcNow + Wait;
        while (!site.Log().Any(e => e.Event == SiteLogEvents.Checkpoint) && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }
        Assert.Equal(Convert.ToBase64String("head"u8), site.Log().Single(e => e.Event == SiteLogEvents.Checkpoint).CheckpointBody);
        Assert.True(SiteLogVerifier.Verify(site.LogPath).Valid);
    }

    [Fact]
    public async Task An_order_beyond_the_site_policy_is_refused_in_its_opening_and_in_the_site_log()
    {
        await using var site = await SiteUnderTest.StartAsync();
        var portal = site.Portal;
        var order = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow);
        order.Columns.Add("age");
        order.Columns.Add("mrn");
        await portal.SendAsync(portal.Key.Sign(order));
        var delivered = await portal.DeliveryOf(order.OrderId).WaitAsync(Wait);

        Assert.Equal(SiteCodes.ColumnForbidden, delivered.Opening!.RefusalCode);
        Assert.True(OpeningIsTheAgents(portal, delivered.Opening));
        Assert.Equal(0, delivered.Chunks);
        Assert.Null(delivered.Closing);
        var refused = Assert.Single(site.Log(), e => e.OrderId == order.OrderId);
        Assert.Equal((SiteLogEvents.Refused, SiteCodes.ColumnForbidden), (refused.Event, refused.Code));
    }

    [Fact]
    public async Task A_replayed_order_is_refused_and_unreadable_bytes_are_answered_on_the_link()
    {
        await using var site = await SiteUnderTest.StartAsync();
        var portal = site.Portal;
        var order = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow, OrderKind.Describe);
        var work = portal.Key.Sign(order);
        await portal.SendAsync(work);
        await portal.DeliveryOf(order.OrderId).WaitAsync(Wait);
        await site.LoggedAsync(order.OrderId, SiteLogEvents.Completed, Wait);
        await portal.SendAsync(work);
        await site.LoggedAsync(order.OrderId, SiteLogEvents.Refused, Wait);
        Assert.Equal(SiteCodes.Replayed, site.Log().Single(e => e.OrderId == order.OrderId && e.Event == SiteLogEvents.Refused).Code);

        await portal.SendAsync(new Work { Order = new SignedOrder { Order = Google.Protobuf.ByteString.CopyFromUtf8("\u00ff\u00ff") } });
        var until = DateTime.UtcNow + Wait;
        while (portal.LinkRefusals.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }
        Assert.Equal(SiteCodes.Malformed, Assert.Single(portal.LinkRefusals).Code);
    }

    [Fact]
    public async Task A_cancelled_export_stops_within_two_seconds()
    {
        await using var site = await SiteUnderTest.StartAsync(patients: 300_000);
        var portal = site.Portal;
        var gate = new TaskCompletionSource();
        portal.DeliveryGate = gate.Task;
        var order = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow);
        await portal.SendAsync(portal.Key.Sign(order));
        await site.LoggedAsync(order.OrderId, SiteLogEvents.Accepted, Wait);
        // The portal reads nothing: the agent is held by flow control in the middle of the export.
        await Task.Delay(500);
        var cancelled = DateTime.UtcNow;
        await portal.Outgoing.Writer.WriteAsync(new PortalMessage { Cancel = new Cancel { OrderId = order.OrderId, Reason = "revoked" } });
        var entry = await site.LoggedAsync(order.OrderId, SiteLogEvents.Cancelled, TimeSpan.FromSeconds(2));
        Assert.True(DateTime.UtcNow - cancelled < TimeSpan.FromSeconds(2));
        Assert.Equal(SiteCodes.Cancelled, entry.Code);
        gate.SetResult();
    }

    [Fact]
    public async Task An_export_that_reaches_the_daily_cap_is_cut_and_fails_with_the_sites_code()
    {
        await using var site = await SiteUnderTest.StartAsync(patients: 200_000, dailyCap: 1000);
        var portal = site.Portal;
        var order = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow);
        await portal.SendAsync(portal.Key.Sign(order));
        var delivered = await portal.DeliveryOf(order.OrderId).WaitAsync(Wait);

        Assert.Equal(SiteCodes.DailyRowsExceeded, delivered.Failed!.Code);
        Assert.Null(delivered.Closing);
        // Rows up to the cap may have left before the cut (here they were still in the agent's chunk): never more.
        var lines = Encoding.UTF8.GetString(delivered.Data.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.InRange(lines, 0, 1001);
        Assert.False(string.IsNullOrEmpty(delivered.Failed.ManifestJson));
        var failed = await site.LoggedAsync(order.OrderId, SiteLogEvents.Failed, Wait);
        Assert.Equal(SiteCodes.DailyRowsExceeded, failed.Code);

        // The grant's day is over: the next order of the same grant is refused before any row is read.
        var next = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow);
        next.GrantId = order.GrantId;
        await portal.SendAsync(portal.Key.Sign(next));
        Assert.Equal(SiteCodes.DailyRowsExceeded, (await portal.DeliveryOf(next.OrderId).WaitAsync(Wait)).Opening!.RefusalCode);
    }

    [Theory]
    [InlineData("csv", true)]
    [InlineData("parquet", false)]
    [InlineData("jsonlines", true)]
    public async Task A_compressed_or_parquet_export_past_the_cap_ends_failed_not_closed(string format, bool gzip)
    {
        await using var site = await SiteUnderTest.StartAsync(patients: 2000, dailyCap: 1000);
        var portal = site.Portal;
        var order = PortalKey.NewOrder(FakePortal.AgentId, DateTimeOffset.UtcNow);
        order.Format = format;
        order.Gzip = gzip;
        await portal.SendAsync(portal.Key.Sign(order));
        var delivered = await portal.DeliveryOf(order.OrderId).WaitAsync(Wait);

        Assert.Null(delivered.Closing);
        Assert.Equal(SiteCodes.DailyRowsExceeded, delivered.Failed!.Code);
        Assert.Equal(2000, (await site.LoggedAsync(order.OrderId, SiteLogEvents.Failed, Wait)).Rows);
    }

    [Fact]
    public async Task A_second_enrollment_into_the_same_state_is_refused_and_a_disabled_agent_keeps_asking()
    {
        await using var site = await SiteUnderTest.StartAsync(run: false);
        var error = new StringWriter();
        var code = await Program.RunAsync(["enroll", "--portal", site.Server.Address.ToString(), "--code", "x", "--state", site.StateDirectory], new StringWriter(), error, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("already holds an enrollment", error.ToString(), StringComparison.Ordinal);

        site.Portal.Disabled = true;
        site.Run();
        var until = DateTime.UtcNow + Wait;
        while (site.Portal.ConnectAttempts < 3 && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
        Assert.True(site.Portal.ConnectAttempts >= 3);
        site.Portal.Disabled = false;
        await site.Portal.Welcomed.Task.WaitAsync(Wait);
    }
}
