<?php
// One username/password source for the institution this config dir belongs to, with research attributes.
declare(strict_types=1);

require_once __DIR__ . '/settings.php';
$s = demo_idp_settings();
$scope = $s['institution_data']['scope'];

$users = [];
foreach ($s['institution_data']['users'] as $uid => $u) {
    $users["$uid:{$u['password']}"] = [
        'uid' => [$uid],
        'displayName' => ["{$u['givenName']} {$u['sn']}"],
        'givenName' => [$u['givenName']],
        'sn' => [$u['sn']],
        'mail' => ["$uid@$scope"],
        'eduPersonPrincipalName' => ["$uid@$scope"],
        'subject-id' => [hash('sha256', "$uid@$scope") . "@$scope"],
        'eduPersonAffiliation' => $u['affiliation'],
        'eduPersonScopedAffiliation' => array_map(fn($a) => "$a@$scope", $u['affiliation']),
        'schacHomeOrganization' => [$scope],
        'eduPersonEntitlement' => $u['entitlement'],
    ];
}

$config = [
    'admin' => ['core:AdminPassword'],
    'demo-users' => array_merge(['exampleauth:UserPass'], $users),
];
