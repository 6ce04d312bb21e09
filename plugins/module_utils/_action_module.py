# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: the flow shared by the action modules (release, delete, move, delay, copy).

Each module passes its argument spec and an ``ActionKind`` subclass (see ``_action_kinds``) to
``run_action_module``, which reads the selection, plans, checks the guards, acts unless in check
mode, verifies, and exits with one outcome per MID. The result lists acted-on MIDs under the
action's past tense (``released``, ``deleted``, ``moved``, ``delayed``, ``copied``) beside the
same ``planned``, ``absent``, ``failures`` and ``excluded`` lists in every module.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.sma.plugins.module_utils._actions import ActionEngine
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaError, SmaInputError
from ansible_collections.mailops.sma.plugins.module_utils._module import (
    build_client,
    build_module_selection,
    check_positive,
    check_requirements,
    client_facts,
    connection_argument_spec,
    retry_log,
    selection_argument_spec,
)


def action_argument_spec():
    """Return the options every action module has; mirrored by the ``action`` doc fragment."""
    spec = connection_argument_spec()
    spec.update(selection_argument_spec())
    spec.update(
        quarantine={'type': 'str'},
        batch_size={'type': 'int', 'default': 100},
        expected_count={'type': 'int'},
        max_count={'type': 'int'},
    )
    return spec


def source_quarantines(params, spec):
    """Return the quarantine list for the selection, checking it against the quarantine type."""
    quarantine = (params['quarantine'] or '').strip()
    if params['quarantine_type'] == 'pvo':
        if not quarantine:
            raise SmaInputError('quarantine is missing: name the pvo quarantine that holds the messages, for example '
                                'Policy or TEST_QUARANTINE')
        return [quarantine]
    if not spec.spam:
        raise SmaInputError("the spam quarantine does not support the %s action, only release and delete; use "
                            "quarantine_type: pvo" % spec.name)
    if quarantine:
        raise SmaInputError("the spam quarantine has no names; remove quarantine ('%s') or use quarantine_type: pvo"
                            % quarantine)
    return []


def check_guards(plan, params, past):
    """Raise SmaInputError when the plan does not match expected_count or max_count."""
    planned = len(plan.planned_mids)
    if planned == 0:
        return
    if params['expected_count'] is not None and planned != params['expected_count']:
        raise SmaInputError('expected_count is %d but %d messages are planned to be %s; nothing was %s. '
                            'Audit again and approve the new count' % (params['expected_count'], planned, past, past))
    if params['max_count'] is not None and planned > params['max_count']:
        raise SmaInputError('%d messages are planned to be %s, more than max_count %d; nothing was %s. '
                            'Narrow the selection or raise max_count' % (planned, past, params['max_count'], past))


def outcome_lists(kind, engine, plan, check_mode):
    """Split the engine's outcomes into the result lists."""
    acted, failed, absent = [], [], dict(plan.absent)
    if not check_mode:
        for mid, (outcome, reason) in sorted(engine.outcomes.items()):
            if outcome == 'failed':
                failed.append({'mid': mid, 'reason': reason})
            elif outcome == 'absent':
                absent[mid] = reason
            else:
                acted.append(mid)
    lists = {
        kind.past: acted,
        # Not "failed": fail_json sets that key to True, which would hide the list.
        'failures': failed,
        'absent': [{'mid': mid, 'reason': reason} for mid, reason in sorted(absent.items())],
        'excluded': [{'mid': mid, 'reason': reason} for mid, reason in sorted(plan.skipped.items())],
    }
    if kind.has_unchanged:
        lists['unchanged'] = [{'mid': mid, 'reason': reason} for mid, reason in sorted(plan.unchanged.items())]
    return lists


def build_result(kind, engine, plan, verification, check_mode, client):
    """Assemble the module result."""
    params = kind.params
    planned = plan.planned_mids
    lists = outcome_lists(kind, engine, plan, check_mode)
    review = verification.get('review', [])
    scope = engine.selection.describe()
    scope.update(server_filters=engine.selection.server_params(engine.quarantine)[1], appliance=client.base_url,
                 user=client.username, quarantine=engine.quarantine)

    counts = {
        'requested': None if params['mids'] is None else len(set(params['mids'])),
        'selected': len(plan.selected),
        'planned': len(planned),
        kind.past: len(lists[kind.past]),
        'absent': len(lists['absent']),
        'failed': len(lists['failures']),
        'excluded': len(lists['excluded']),
        'review': len(review),
        'appliance_count': engine.appliance_count,
        'batches': len(engine.batches),
    }
    if kind.has_unchanged:
        counts['unchanged'] = len(lists['unchanged'])

    result = {
        'changed': bool(planned) if check_mode else bool(lists[kind.past] or engine.appliance_count),
        'planned': planned,
        'review': review,
        'multi_quarantine': plan.multi_quarantine,
        'counts': counts,
        'batches': engine.batches,
        'verification': verification,
        'scope': scope,
        'rejected': engine.read.rejected if engine.read else [],
    }
    result.update(lists)
    result.update(kind.result_extras())
    return result


def failure_message(kind, result, label):
    """Return the one message for a run that ended with failed MIDs."""
    counts = result['counts']
    first = '; '.join('MID %d: %s' % (item['mid'], item['reason']) for item in result['failures'][:3])
    return ('%s %d of %d planned messages %s %s; %d failed (%s). %s'
            % (kind.past.capitalize(), counts[kind.past], counts['planned'], kind.where, label, counts['failed'],
               first, kind.rerun_note()))


def plan_and_act(module, client, kind):
    """Read, plan, check the guards, act unless in check mode, and verify; return the engine, plan and verification."""
    params = module.params
    spec = kind.spec()
    selection = build_module_selection(module, source_quarantines(params, spec))
    if not selection.has_criteria():
        raise SmaInputError('the selection is empty: set mids, sender_domain, sender, recipient or subject. '
                            'A %s never selects a whole quarantine by default' % spec.name)
    engine = ActionEngine(client, selection, (params['quarantine'] or '').strip() or None, spec,
                          batch_size=params['batch_size'], page_size=params['page_size'],
                          multi_quarantine=params.get('multi_quarantine') or 'source',
                          max_passes=params['max_scan_passes'], concurrency=params['concurrency'])
    plan = kind.plan(engine)
    check_guards(plan, params, spec.past)

    verification = kind.unchecked_verification()
    if plan.targets and not module.check_mode:
        kind.execute(engine, plan)
        if params.get('verify'):
            verification = engine.verify(plan)
    return engine, plan, verification


def run_action_module(argument_spec, kind_class):
    """Run one action module from its argument spec and its ActionKind subclass; never returns."""
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    check_requirements(module)
    check_positive(module, 'batch_size')
    kind = kind_class(module.params)
    try:
        for warning in kind.check(module.check_mode):
            module.warn(warning)
    except SmaError as error:
        module.fail_json(msg=str(error))

    client = build_client(module)
    try:
        engine, plan, verification = plan_and_act(module, client, kind)
    except SmaError as error:
        module.fail_json(msg=str(error), **client_facts(client), **retry_log(module, client))
    finally:
        client.close()

    result = build_result(kind, engine, plan, verification, module.check_mode, client)
    result.update(client_facts(client), **retry_log(module, client))
    if module._diff:
        result['diff'] = kind.diff(plan, result, module.check_mode)
    if result['review']:
        module.warn('%d new MIDs look like re-quarantined copies of messages %s in this run; they were not %s. '
                    'See review.' % (len(result['review']), kind.past, kind.past))
    if result['failures']:
        module.fail_json(msg=failure_message(kind, result, engine.quarantine_label(engine.quarantine)), **result)
    module.exit_json(**result)
