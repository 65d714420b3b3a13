using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Tests.Support;

/// <summary>
/// Plays the portal's end of the link, as the contract in site_link.proto says: enrollment with a one-time code,
/// the challenge on Connect, orders pushed on the link, and every Deliver call recorded.
/// </summary>
public sealed class FakePortal : SiteLink.SiteLinkBase
{
    public const string Code = "one-time-code";
    public const string AgentId = "6c1f0a52-3e8b-4b8e-9a55-0d2f1c7e9b31";

    public PortalKey Key { get; } = new();
    public byte[]? AgentPublicKey { get; private set; }
    public string? HelloVersion { get; private set; }
    public IReadOnlyList<string> HelloDatasets { get; private set; } = [];
    public Channel<PortalMessage> Outgoing { get; } = Channel.CreateUnbounded<PortalMessage>();
    public ConcurrentBag<SiteRefusal> LinkRefusals { get; } = [];
    public TaskCompletionSource Welcomed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Delivered>> _deliveries = new();

    /// <summary>When set, Connect answers PermissionDenied (a disabled agent).</summary>
    public bool Disabled { get; set; }

    private int _connectAttempts;

    public int ConnectAttempts => Volatile.Read(ref _connectAttempts);

    /// <summary>Deliver calls read nothing until this completes: the agent's writes meet HTTP/2 flow control.</summary>
    public Task DeliveryGate { get; set; } = Task.CompletedTask;

    public Task<Delivered> DeliveryOf(string orderId) => _deliveries.GetOrAdd(orderId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public override Task<EnrollReply> Enroll(EnrollRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Code != Code || AgentPublicKey is not null)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the enrollment code is unknown, used or expired"));
        }
        if (!SiteKeys.Verify(request.PublicKey.Span, SignedPayloads.Enrollment(request.Code, request.PublicKey.Span), request.Proof.Span))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the proof does not match the key"));
        }
        AgentPublicKey = request.PublicKey.ToByteArray();
        // Another spelling of the same GUID: the agent keeps the canonical one, which the portal signs and checks with.
        return Task.FromResult(new EnrollReply { AgentId = Guid.Parse(AgentId).ToString("N"), Name = "hospital", OrderKey = ByteString.CopyFrom(Key.PublicKey), PortalId = "portal-test" });
    }

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<PortalMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        Interlocked.Increment(ref _connectAttempts);
        if (Disabled)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the agent is disabled"));
        }
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct) || requestStream.Current.Hello is not { } hello || hello.AgentId != AgentId)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Hello expected"));
        }
        HelloVersion = hello.Version;
        HelloDatasets = [.. hello.Datasets];
        var nonce = RandomNumberGenerator.GetBytes(32);
        await responseStream.WriteAsync(new PortalMessage { Challenge = new Challenge { Nonce = ByteString.CopyFrom(nonce) } }, ct);
        if (!await requestStream.MoveNext(ct) || requestStream.Current.Proof is not { } proof
            || !SiteKeys.Verify(AgentPublicKey, SignedPayloads.Challenge(AgentId, nonce), proof.Signature.Span))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the proof is not the agent's"));
        }
        await responseStream.WriteAsync(new PortalMessage { Welcome = new Welcome { AgentId = AgentId, PortalUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, ct);
        Welcomed.TrySetResult();
        var reading = Task.Run(async () =>
        {
            while (await requestStream.MoveNext(ct))
            {
                if (requestStream.Current.Refusal is { } refusal)
                {
                    LinkRefusals.Add(refusal);
                }
            }
        }, ct);
        await foreach (var message in Outgoing.Reader.ReadAllAsync(ct))
        {
            await responseStream.WriteAsync(message, ct);
        }
        await reading;
    }

    public override async Task<DeliveryReceipt> Deliver(IAsyncStreamReader<Delivery> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        await DeliveryGate;
        var delivered = new Delivered();
        try
        {
            await ReadAsync(requestStream, delivered, context.CancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or RpcException)
        {
            delivered.Aborted = true;
        }
        if (delivered.Opening is { } o)
        {
            _deliveries.GetOrAdd(o.OrderId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(delivered);
        }
        return new DeliveryReceipt { Recorded = true };
    }

    private async Task ReadAsync(IAsyncStreamReader<Delivery> requestStream, Delivered delivered, CancellationToken ct)
    {
        while (await requestStream.MoveNext(ct))
        {
            var d = requestStream.Current;
            switch (d.BodyCase)
            {
                case Delivery.BodyOneofCase.Opening:
                    delivered.Opening = d.Opening;
                    break;
                case Delivery.BodyOneofCase.Data:
                    d.Data.WriteTo(delivered.Data);
                    delivered.Chunks++;
                    delivered.FirstChunk.TrySetResult();
                    break;
                case Delivery.BodyOneofCase.Closing:
                    delivered.Closing = d.Closing;
                    break;
                case Delivery.BodyOneofCase.Failed:
                    delivered.Failed = d.Failed;
                    break;
            }
            if (delivered.Opening is { } opening && delivered.Chunks <= 1)
            {
                _deliveries.GetOrAdd(opening.OrderId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
                Started.GetOrAdd(opening.OrderId, delivered);
            }
        }
    }

    /// <summary>Deliveries whose Opening has arrived, while their data still comes.</summary>
    public ConcurrentDictionary<string, Delivered> Started { get; } = new();

    public Task SendAsync(Work work) => Outgoing.Writer.WriteAsync(new PortalMessage { Work = work }).AsTask();

    public sealed class Delivered
    {
        public Opening? Opening { get; set; }
        public MemoryStream Data { get; } = new();
        public int Chunks { get; set; }
        public Closing? Closing { get; set; }
        public Failed? Failed { get; set; }

        /// <summary>The agent ended the call without Closing or Failed (its order was cancelled).</summary>
        public bool Aborted { get; set; }
        public TaskCompletionSource FirstChunk { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
