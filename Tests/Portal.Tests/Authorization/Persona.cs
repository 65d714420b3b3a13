namespace Portal.Tests.Authorization;

/// <summary>Who calls, in the order of the expectation columns of <see cref="AuthorizationMatrixTests"/>.</summary>
public enum Persona
{
    Anonymous,

    /// <summary>Erin: a university researcher in the demo VO, without any grant.</summary>
    ResearcherWithoutGrant,

    /// <summary>Bob: the demo researcher with a live grant on the patients dataset.</summary>
    ResearcherWithGrant,

    /// <summary>Frank: admin of another VO, not in the demo VO.</summary>
    OtherVoMember,

    /// <summary>Grace: owns a dataset of her own in Frank's VO, nothing of the demo's.</summary>
    OtherDatasetOwner,

    /// <summary>Henry: steward of both demo datasets, in no VO.</summary>
    Steward,

    /// <summary>Dave: admin of the demo VO, no datasets, no grants.</summary>
    VoAdmin,

    /// <summary>Ivy: a platform auditor, in no VO.</summary>
    Auditor,

    /// <summary>Alice: owner of both demo datasets.</summary>
    Owner,
}
