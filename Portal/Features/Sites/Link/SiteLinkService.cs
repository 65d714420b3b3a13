using Grpc.Core;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Features.Sites.Link;

/// <summary>The portal's end of the link: each call is handed to the use case that owns it.</summary>
public sealed class SiteLinkService(SiteLinkServices services) : SiteLink.SiteLinkBase
{
    public override Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<PortalMessage> responseStream, ServerCallContext context) =>
        ConnectAgent.HandleAsync(services, requestStream, responseStream, context);

    public override Task<DeliveryReceipt> Deliver(IAsyncStreamReader<Delivery> requestStream, ServerCallContext context) =>
        DeliverOrder.HandleAsync(services, requestStream, context);
}
