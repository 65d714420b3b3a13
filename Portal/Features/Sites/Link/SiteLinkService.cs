using Grpc.Core;
using Portal.Connectors.Sites.Protocol;
using Portal.Features.Sites.Enrollment;

namespace Portal.Features.Sites.Link;

/// <summary>The portal's end of the link: each call is handed to the use case that owns it.</summary>
public sealed class SiteLinkService(SiteLinkServices services, SitesServices sites) : SiteLink.SiteLinkBase
{
    public override async Task<EnrollReply> Enroll(EnrollRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString();
        var outcome = await EnrollAgent.HandleAsync(sites, request, address, context.CancellationToken);
        return outcome.Failure is { } refused ? throw Refusal(refused) : outcome.Value!;
    }

    public override Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<PortalMessage> responseStream, ServerCallContext context) =>
        ConnectAgent.HandleAsync(services, requestStream, responseStream, context);

    public override Task<DeliveryReceipt> Deliver(IAsyncStreamReader<Delivery> requestStream, ServerCallContext context) =>
        DeliverOrder.HandleAsync(services, requestStream, context);

    /// <summary>A refusal as gRPC says it: the status nearest the kind, the code first in the detail and in a trailer.</summary>
    private static RpcException Refusal(Failure f) => new(
        new Status(f.Kind switch
        {
            FailureKind.NotFound => StatusCode.NotFound,
            FailureKind.Gone => StatusCode.FailedPrecondition,
            FailureKind.Conflict => StatusCode.AlreadyExists,
            FailureKind.Forbidden => StatusCode.PermissionDenied,
            FailureKind.Unavailable => StatusCode.Unavailable,
            _ => StatusCode.InvalidArgument,
        }, $"{f.Code}: {f.Message}"),
        new Metadata { { "code", f.Code } });
}
