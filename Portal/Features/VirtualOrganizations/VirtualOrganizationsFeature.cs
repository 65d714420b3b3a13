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
        CreateVo.Map(vos).RequireScope(Scopes.VoManage);
        ListMyVos.Map(vos).RequireScope(Scopes.CatalogueRead);
        ListOpenVos.Map(vos).RequireScope(Scopes.CatalogueRead);
        GetVo.Map(vos).RequireScope(Scopes.CatalogueRead);
        ListMembers.Map(vos).RequireScope(Scopes.CatalogueRead);
        LeaveVo.Map(vos).RequireScope(Scopes.VoManage);
        ChangeMemberRole.Map(vos).RequireScope(Scopes.VoManage);
        SetMembershipExpiry.Map(vos).RequireScope(Scopes.VoManage);
        RemoveMember.Map(vos).RequireScope(Scopes.VoManage);
        CreateInvitation.Map(vos).RequireScope(Scopes.VoManage);
        ListInvitations.Map(vos).RequireScope(Scopes.CatalogueRead);
        RevokeInvitation.Map(vos).RequireScope(Scopes.VoManage);
        AskToJoin.Map(vos).RequireScope(Scopes.VoManage);
        ListJoinRequests.Map(vos).RequireScope(Scopes.CatalogueRead);
        ApproveJoinRequest.Map(vos).RequireScope(Scopes.VoManage);
        DenyJoinRequest.Map(vos).RequireScope(Scopes.VoManage);
        AcceptInvitation.Map(api).RequireScope(Scopes.VoManage);
        return api;
    }
}
