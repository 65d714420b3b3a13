using Portal.Features.VirtualOrganizations.Invitations;
using Portal.Features.VirtualOrganizations.JoinRequests;
using Portal.Features.VirtualOrganizations.Members;
using Portal.Features.VirtualOrganizations.Organizations;

namespace Portal.Features.VirtualOrganizations;

/// <summary>Virtual organizations, their members, invitations and join requests: /api/vos, /api/invitations and the VO pages.</summary>
public static class VirtualOrganizationsFeature
{
    public static IServiceCollection AddVirtualOrganizations(this IServiceCollection services)
    {
        services.AddSingleton<VoServices>();
        return services;
    }

    public static RouteGroupBuilder MapVirtualOrganizations(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var vos = api.MapGroup("/vos").WithTags("Virtual organizations");
        CreateVo.Map(vos);
        ListMyVos.Map(vos);
        ListOpenVos.Map(vos);
        GetVo.Map(vos);
        ListMembers.Map(vos);
        LeaveVo.Map(vos);
        ChangeMemberRole.Map(vos);
        SetMembershipExpiry.Map(vos);
        RemoveMember.Map(vos);
        CreateInvitation.Map(vos);
        ListInvitations.Map(vos);
        RevokeInvitation.Map(vos);
        AskToJoin.Map(vos);
        ListJoinRequests.Map(vos);
        ApproveJoinRequest.Map(vos);
        DenyJoinRequest.Map(vos);
        AcceptInvitation.Map(api);
        return api;
    }
}
