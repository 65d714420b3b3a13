using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.Sites.Link;

/// <summary>
/// An agent's Connect call: it names itself, signs a fresh challenge with its key (never a shared secret), and then
/// keeps the call open to receive orders. A disabled or unknown agent, or a wrong signature, ends the call with
/// PermissionDenied and its code, audited.
/// </summary>
internal static class ConnectAgent
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Contact is written at most this often: heartbeats come every 15 s from every agent.</summary>
    private static readonly TimeSpan ContactEvery = TimeSpan.FromSeconds(20);

    public static async Task HandleAsync(SiteLinkServices s, IAsyncStreamReader<AgentMessage> requests, IServerStreamWriter<PortalMessage> responses,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString();
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        handshake.CancelAfter(HandshakeTimeout);

        var hello = await NextAsync(requests, AgentMessage.BodyOneofCase.Hello, handshake.Token) is { } h ? h.Hello : null;
        if (hello is null || !Guid.TryParse(hello.AgentId, out var agentId))
        {
            throw Denied("site.link.hello_expected", "The first message must be Hello with the agent's id.");
        }
        SiteAgent? agent;
        await using (var db = await s.Dbs.CreateDbContextAsync(ct))
        {
            agent = await db.SiteAgents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == agentId, ct);
        }
        if (agent is null)
        {
            await AuditRefusalAsync(s, null, "site.agent.unknown", address, ct);
            throw Denied("site.agent.unknown", "No agent is enrolled with this id.");
        }
        if (agent.DisabledAt is not null)
        {
            await AuditRefusalAsync(s, agent, "site.agent.disabled", address, ct);
            throw Denied("site.agent.disabled", "This agent has been disabled by its owner.");
        }

        var nonce = RandomNumberGenerator.GetBytes(32);
        await responses.WriteAsync(new PortalMessage { Challenge = new Challenge { Nonce = ByteString.CopyFrom(nonce) } }, handshake.Token);
        var proof = await NextAsync(requests, AgentMessage.BodyOneofCase.Proof, handshake.Token);
        if (proof is null || !SiteKeys.Verify(agent.PublicKey, SignedPayloads.Challenge(hello.AgentId, nonce), proof.Proof.Signature.Span))
        {
            await AuditRefusalAsync(s, agent, "site.agent.bad_proof", address, ct);
            throw Denied("site.agent.bad_proof", "The challenge was not signed with the agent's enrolled key.");
        }

        await using (var db = await s.Dbs.CreateDbContextAsync(ct))
        {
            var now = s.Time.GetUtcNow();
            await db.SiteAgents.Where(a => a.Id == agentId).ExecuteUpdateAsync(u => u
                .SetProperty(a => a.LastContactAt, now)
                .SetProperty(a => a.Version, Trim(hello.Version, 64))
                .SetProperty(a => a.SiteDatasets, hello.Datasets.Take(200).Select(d => Trim(d, 200)!).ToList()), ct);
            s.Audit.Add(db, "site.agent.connected", AuditOutcome.Success, new AuditActor(null, $"agent:{agent.Name}", address),
                details: new { agentId, version = hello.Version, datasets = hello.Datasets.Count });
            await db.SaveChangesAsync(ct);
        }

        using var session = new AgentSession(agentId, agent.OwnerId, agent.Name, agent.PublicKey);
        s.Sessions.Add(session);
        s.Logs.CreateLogger(typeof(ConnectAgent)).LogInformation("Agent {AgentId} ({Name}) connected from {Address}", agentId, agent.Name, address);
        try
        {
            await responses.WriteAsync(new PortalMessage { Welcome = new Welcome { AgentId = hello.AgentId, PortalUnixMs = s.Time.GetUtcNow().ToUnixTimeMilliseconds() } }, ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Ended);
            var writing = WriteAsync(session, responses, stop.Token);
            var reading = ReadAsync(s, session, requests, stop.Token);
            await Task.WhenAny(writing, reading);
            await stop.CancelAsync();
            await Task.WhenAll(Quiet(writing), Quiet(reading));
        }
        finally
        {
            s.Sessions.Remove(session);
            session.End(session.EndReason ?? "site.agent.offline");
            s.Logs.CreateLogger(typeof(ConnectAgent)).LogInformation("Agent {AgentId} disconnected ({Reason})", agentId, session.EndReason);
        }
        if (session.EndReason == "site.agent.disabled")
        {
            throw Denied("site.agent.disabled", "This agent has been disabled by its owner.");
        }
    }

    private static async Task WriteAsync(AgentSession session, IServerStreamWriter<PortalMessage> responses, CancellationToken ct)
    {
        await foreach (var message in session.Outbox.Reader.ReadAllAsync(ct))
        {
            await responses.WriteAsync(message, ct);
        }
    }

    private static async Task ReadAsync(SiteLinkServices s, AgentSession session, IAsyncStreamReader<AgentMessage> requests, CancellationToken ct)
    {
        var lastWrite = s.Time.GetUtcNow();
        while (await requests.MoveNext(ct))
        {
            var message = requests.Current;
            switch (message.BodyCase)
            {
                case AgentMessage.BodyOneofCase.Heartbeat when s.Time.GetUtcNow() - lastWrite >= ContactEvery:
                    lastWrite = s.Time.GetUtcNow();
                    await using (var db = await s.Dbs.CreateDbContextAsync(ct))
                    {
                        await db.SiteAgents.Where(a => a.Id == session.AgentId).ExecuteUpdateAsync(u => u.SetProperty(a => a.LastContactAt, lastWrite), ct);
                    }
                    break;
                case AgentMessage.BodyOneofCase.Refusal when session.Orders.TryGetValue(message.Refusal.OrderId, out var order):
                    order.Fail(message.Refusal.Code, message.Refusal.Message);
                    break;
            }
        }
    }

    private static async Task<AgentMessage?> NextAsync(IAsyncStreamReader<AgentMessage> requests, AgentMessage.BodyOneofCase expected, CancellationToken ct)
    {
        try
        {
            return await requests.MoveNext(ct) && requests.Current.BodyCase == expected ? requests.Current : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task AuditRefusalAsync(SiteLinkServices s, SiteAgent? agent, string code, string? address, CancellationToken ct)
    {
        s.Logs.CreateLogger(typeof(ConnectAgent)).LogWarning("Agent connection from {Address} refused: {Code}", address, code);
        await using var db = await s.Dbs.CreateDbContextAsync(ct);
        s.Audit.Add(db, "site.agent.refused", AuditOutcome.Denied, new AuditActor(null, agent is null ? "agent:unknown" : $"agent:{agent.Name}", address),
            reason: code, details: new { agentId = agent?.Id });
        await db.SaveChangesAsync(ct);
    }

    private static RpcException Denied(string code, string message) =>
        new(new Status(StatusCode.PermissionDenied, $"{code}: {message}"), new Metadata { { "code", code } });

    private static string? Trim(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];

    private static async Task Quiet(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException or InvalidOperationException)
        {
        }
    }
}
