<?php
// The two demo institutions and their users. Passwords are demo values, printed by deploy/idp.sh; never reuse them.
declare(strict_types=1);

return [
    'hospital' => [
        'name' => 'Example University Hospital',
        'scope' => 'hospital.example.org',
        'users' => [
            'alice' => ['password' => 'alice-demo', 'givenName' => 'Alice', 'sn' => 'Owner',
                'affiliation' => ['staff', 'member', 'employee'],
                'entitlement' => ['urn:mace:example.org:portal:data-owner']],
            'carol' => ['password' => 'carol-demo', 'givenName' => 'Carol', 'sn' => 'Steward',
                'affiliation' => ['staff', 'member'],
                'entitlement' => ['urn:mace:example.org:portal:data-steward', 'urn:mace:example.org:portal:auditor']],
        ],
    ],
    'university' => [
        'name' => 'Example University',
        'scope' => 'university.example.edu',
        'users' => [
            'bob' => ['password' => 'bob-demo', 'givenName' => 'Bob', 'sn' => 'Researcher',
                'affiliation' => ['faculty', 'member'],
                'entitlement' => ['urn:mace:example.edu:portal:researcher']],
            'dave' => ['password' => 'dave-demo', 'givenName' => 'Dave', 'sn' => 'Admin',
                'affiliation' => ['staff', 'member'],
                'entitlement' => ['urn:mace:example.edu:portal:vo-admin']],
        ],
    ],
];
