using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Features.Sites.Link;

/// <summary>What the portal asks a site for; everything the agent checks against its site policy is here.</summary>
public sealed record SiteOrderDraft(
    Guid AgentId,
    OrderKind Kind,
    string SiteDataset,
    Guid DatasetId,
    Guid? GrantId = null,
    string? ProfileJson = null,
    int ProfileVersion = 0,
    string? Purpose = null,
    int K = 0,
    IReadOnlyList<string>? Columns = null,
    string? RequesterRef = null,
    IReadOnlyList<Guid>? VoIds = null,
    string? Format = null,
    bool Gzip = false,
    int RowLimit = 0);

/// <summary>Orders that run the export pipeline at the site (exports and previews) under a grant.</summary>
public static class SiteExportOrders
{
    /// <summary>
    /// The order for <paramref name="request"/> on a dataset behind an agent. Its k is the one the export will meet,
    /// the larger of the grant's and the profile's, as the pipeline applies it (the site's floor is checked on that).
    /// </summary>
    public static SiteOrderDraft For(Dataset dataset, OrderKind kind, Guid grantId, Portal.Connectors.ExportRequest request, string format)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(request);
        return new SiteOrderDraft(dataset.Connector.AgentId ?? Guid.Empty, kind, dataset.Connector.SiteDataset!, dataset.Id,
            GrantId: grantId, ProfileJson: dataset.AnonymizationProfile, ProfileVersion: dataset.ProfileVersion, Purpose: request.Purpose,
            K: Math.Max(request.K, request.Profile.K), Columns: request.Columns, Format: format, Gzip: request.Gzip);
    }
}

/// <summary>A small answer of a site: its bytes and the signed manifest that closed it.</summary>
public sealed record SiteAnswer(byte[] Body, SiteOrderEnd End);

/// <summary>
/// Sends signed orders to connected agents and waits for each one's Deliver call. An order lives at most
/// <see cref="OrderLimits.MaxLifetime"/>; the agent's answer (accepted, or refused with the site's reason) must come
/// within <see cref="AnswerTimeout"/>.
/// </summary>
public sealed class SiteOrders(AgentSessions sessions, OrderSigningKey key, ILogger<SiteOrders> logger)
{
    // Orders carry wall-clock time, not the portal's TimeProvider: the agent checks freshness with its own clock.
    private static readonly TimeProvider WallClock = TimeProvider.System;

    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    public bool IsOnline(Guid agentId) => sessions.IsConnected(agentId);

    /// <summary>
    /// Sends the order and waits until the agent opens its delivery. A refusal at the site comes back as a Failure
    /// with the site's code (site.policy.* is the owner's rule: 403; site.order.* and site.agent.*: 503).
    /// </summary>
    public async Task<Outcome<SiteOrderCall>> OpenAsync(SiteOrderDraft draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (sessions.Find(draft.AgentId) is not { } session)
        {
            return Unavailable("site.agent.offline");
        }
        var order = Build(draft, WallClock.GetUtcNow());
        var bytes = order.ToByteString();
        return await SendAsync(session, draft, order, bytes, key.Sign(bytes.Span), draft.ProfileJson ?? "", ct);
    }

    /// <summary>
    /// Sends exactly these order bytes with exactly this signature and profile: tests use it to send the agent what a
    /// forger or a broken portal would (another key, a replay, an expired order, a profile that is not the one signed).
    /// </summary>
    internal async Task<Outcome<SiteOrderCall>> SendRawAsync(Guid agentId, Order order, byte[] signature, string profileJson, CancellationToken ct) =>
        sessions.Find(agentId) is { } session
            ? await SendAsync(session, new SiteOrderDraft(agentId, order.Kind, order.SiteDataset, Guid.Empty), order, order.ToByteString(), signature, profileJson, ct)
            : Unavailable("site.agent.offline");

    private async Task<Outcome<SiteOrderCall>> SendAsync(AgentSession session, SiteOrderDraft draft, Order order, ByteString bytes, byte[] signature,
        string profileJson, CancellationToken ct)
    {
        var pending = new PendingOrder(order.OrderId);
        session.Orders[order.OrderId] = pending;
        var work = new Work
        {
            Order = new SignedOrder { Order = bytes, Signature = ByteString.CopyFrom(signature) },
            ProfileJson = profileJson,
        };
        if (!session.Send(new PortalMessage { Work = work }))
        {
            session.Orders.TryRemove(order.OrderId, out _);
            return Unavailable("site.agent.offline");
        }
        DeliveryCall call;
        try
        {
            call = await pending.Opened.WaitAsync(AnswerTimeout, ct);
        }
        catch (TimeoutException)
        {
            session.Orders.TryRemove(order.OrderId, out _);
            return Unavailable("site.agent.no_answer");
        }
        catch (SiteLinkException e)
        {
            session.Orders.TryRemove(order.OrderId, out _);
            return Refused(e.Code, e.Message);
        }
        catch (OperationCanceledException)
        {
            session.Orders.TryRemove(order.OrderId, out _);
            session.Send(new PortalMessage { Cancel = new Cancel { OrderId = order.OrderId, Reason = "export.client_gone" } });
            throw;
        }
        if (call.Opening.RefusalCode is { Length: > 0 } refusal)
        {
            session.Orders.TryRemove(order.OrderId, out _);
            call.Finish(null);
            logger.LogWarning("Agent {AgentId} refused order {OrderId} ({Kind}, dataset {DatasetId}): {Code}",
                draft.AgentId, order.OrderId, draft.Kind, draft.DatasetId, refusal);
            return Refused(refusal, call.Opening.RefusalMessage);
        }
        return new SiteOrderCall(session, pending, call);
    }

    /// <summary>
    /// An order whose answer is small (a schema, a preview): its bytes collected, up to <paramref name="maxBytes"/>
    /// (more is the site misbehaving: refused, not buffered), and how it ended.
    /// </summary>
    public async Task<Outcome<SiteAnswer>> AskAsync(SiteOrderDraft draft, int maxBytes, CancellationToken ct)
    {
        var opened = await OpenAsync(draft, ct);
        if (opened.Failure is { } refused)
        {
            return refused;
        }
        await using var call = opened.Value!;
        using var body = new MemoryStream();
        await foreach (var chunk in call.ChunksAsync(ct))
        {
            if (body.Length + chunk.Length > maxBytes)
            {
                call.Cancel("site.answer.too_large");
                return new Failure(FailureKind.Unavailable, "site.answer.too_large", $"The site's answer is larger than {maxBytes:N0} bytes.");
            }
            body.Write(chunk.Span);
        }
        var end = call.End!;
        return end.Completed
            ? new SiteAnswer(body.ToArray(), end)
            : new Failure(FailureKind.Unavailable, end.Code ?? "site.delivery.malformed", end.Message ?? SiteLinkException.Describe(end.Code ?? ""));
    }

    internal static Order Build(SiteOrderDraft d, DateTimeOffset now)
    {
        var order = new Order
        {
            OrderId = Guid.NewGuid().ToString("D"),
            Nonce = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16)),
            AgentId = d.AgentId.ToString("D"),
            Kind = d.Kind,
            SiteDataset = d.SiteDataset,
            DatasetId = d.DatasetId.ToString("D"),
            GrantId = d.GrantId?.ToString("D") ?? "",
            ProfileVersion = d.ProfileVersion,
            ProfileSha256 = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes(d.ProfileJson ?? ""))),
            Purpose = d.Purpose ?? "",
            K = d.K,
            RequesterRef = d.RequesterRef ?? "",
            IssuedUnixMs = now.ToUnixTimeMilliseconds(),
            NotAfterUnixMs = (now + OrderLimits.MaxLifetime).ToUnixTimeMilliseconds(),
            Format = d.Format ?? "",
            Gzip = d.Gzip,
            RowLimit = d.RowLimit,
        };
        order.Columns.AddRange(d.Columns ?? []);
        order.VoIds.AddRange((d.VoIds ?? []).Select(v => v.ToString("D")));
        return order;
    }

    private static Failure Unavailable(string code) => new(FailureKind.Unavailable, code, SiteLinkException.Describe(code));

    private static Failure Refused(string code, string? message) => new(
        code.StartsWith("site.policy.", StringComparison.Ordinal) ? FailureKind.Forbidden : FailureKind.Unavailable,
        code, string.IsNullOrEmpty(message) ? SiteLinkException.Describe(code) : $"The site refused: {message}");
}
