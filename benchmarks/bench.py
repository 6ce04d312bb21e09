"""Run the scale benchmark: the collection, the TechNote recipe and the raw-HTTP floor, side by side.

For each size N the simulator starts once with 1.2 x N generated messages in one pvo
quarantine, N of them from exactly one sender domain. Each repetition then runs the three
ways in turn (the order rotates between repetitions), each on a freshly reset simulator:

- collection: benchmarks/collection.yml through ansible-playbook (audit with
  sma_quarantine_info, release and verify with sma_quarantine_release);
- recipe: benchmarks/recipe.sh, the curl and jq steps of Cisco TechNote 225700;
- floor: benchmarks/floor.py replay, the bare requests of the job over one keep-alive connection.

Requests and bytes come from the simulator's /_sim/stats, which counts every API request and
the bytes of each request and response. Wall time, CPU time and peak RSS of the way's process
tree come from benchmarks/measure.py. For the collection, benchmarks/module_python.sh also
records the peak RSS of each module process. After each way the simulator's state must show
exactly N messages released, or the run stops.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WAYS = ('collection', 'recipe', 'floor')
BENCH_USER = 'bench'


class BenchError(Exception):
    """A way failed or left the simulator in an unexpected state."""


def exit_on_sigterm():
    """Turn SIGTERM into SystemExit, so that ``finally`` blocks stop the simulator."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))


# -- the simulator -----------------------------------------------------------------------------


class Simulator:
    """One simulator process with generated messages, and calls to its admin interface."""

    def __init__(self, args, size, workdir):
        self.size = size
        self.generated = size + int(round(size * args.others))
        self.quarantine = args.quarantine
        self.password = secrets.token_urlsafe(18)
        self.mail_log = os.path.join(workdir, 'mail.log')
        self.log_path = os.path.join(workdir, 'simulator.log')
        port_file = os.path.join(workdir, 'port')
        for path in (port_file, self.mail_log):
            if os.path.exists(path):
                os.remove(path)
        command = [args.python, '-m', 'sma_simulator', '--port', '0', '--port-file', port_file, '--dataset', 'empty',
                   '--generate', str(self.generated), '--generate-quarantine', args.quarantine,
                   '--generate-sender-domain', args.domain, '--generate-domain-count', str(size),
                   '--mail-log', self.mail_log, '--user', '%s:%s' % (BENCH_USER, self.password), '--quiet']
        with open(self.log_path, 'w', encoding='utf-8') as log:
            self.process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
        deadline = time.monotonic() + 120
        while not _read_port(port_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise BenchError('the simulator did not start within 120 s; see %s' % self.log_path)
            time.sleep(0.1)
        self.url = 'http://127.0.0.1:%d' % _read_port(port_file)

    def admin(self, method, path):
        """Call the admin interface and return the decoded JSON response."""
        request = urllib.request.Request(self.url + path, data=b'' if method != 'GET' else None, method=method)
        with urllib.request.urlopen(request, timeout=120) as response:  # nosec: the local simulator
            return json.loads(response.read())

    def cpu_seconds(self):
        """Return the simulator's user plus system CPU time so far, from /proc (0.0 elsewhere)."""
        try:
            with open('/proc/%d/stat' % self.process.pid, encoding='ascii') as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def environment(self):
        """Return the environment that points a client at this simulator."""
        env = dict(os.environ)
        env.update(SMA_URL=self.url, SMA_USERNAME=BENCH_USER, SMA_PASSWORD=self.password)
        return env

    def check_released(self):
        """Raise BenchError unless exactly ``size`` messages left the quarantine since the last reset."""
        state = self.admin('GET', '/_sim/state?quarantine=' + self.quarantine)
        remaining = len(state['quarantines'].get(self.quarantine, []))
        delivered = len(state['delivered'])
        if remaining != self.generated - self.size or delivered != self.size:
            raise BenchError('expected %d released and %d left in %s, found %d delivered and %d left'
                             % (self.size, self.generated - self.size, self.quarantine, delivered, remaining))

    def stop(self):
        """Stop the simulator with SIGTERM (SIGKILL after 10 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _read_port(path):
    """Return the port number in ``path``, or None while the file is missing or empty."""
    try:
        with open(path, encoding='utf-8') as handle:
            text = handle.read().strip()
    except FileNotFoundError:
        return None
    return int(text) if text else None


# -- the three ways ----------------------------------------------------------------------------


def run_measured(command, env, log_path, cwd=REPO):
    """Run ``command`` under measure.py and return its measurement: rc, seconds, max_rss_kb, cpu_seconds."""
    measure_file = log_path + '.measure.json'
    if os.path.exists(measure_file):
        os.remove(measure_file)
    with open(log_path, 'w', encoding='utf-8') as log:
        subprocess.run([sys.executable, os.path.join(HERE, 'measure.py'), measure_file] + command, cwd=cwd, env=env,
                       stdout=log, stderr=subprocess.STDOUT, check=False)
    if not os.path.exists(measure_file):
        raise BenchError('measure.py wrote no measurement for %s; see %s' % (command[0], log_path))
    with open(measure_file, encoding='utf-8') as handle:
        return json.load(handle)


def way_command(way, args, sim, workdir):
    """Return the command and extra environment of one way."""
    if way == 'collection':
        command = [os.path.join(args.venv, 'bin', 'ansible-playbook'), os.path.join(HERE, 'collection.yml'),
                   '-e', 'ansible_python_interpreter=' + os.path.join(HERE, 'module_python.sh'),
                   '-e', 'bench_quarantine=' + args.quarantine, '-e', 'bench_domain=' + args.domain,
                   '-e', 'bench_page_size=%d' % args.page_size, '-e', 'bench_batch_size=%d' % args.batch_size,
                   '-e', 'bench_concurrency=%d' % args.concurrency, '-e', 'bench_expected=%d' % sim.size]
        return command, {'ANSIBLE_CONFIG': os.path.join(REPO, 'ansible.cfg'), 'BENCH_MODULE_PYTHON': args.python,
                         'BENCH_RSS_LOG': os.path.join(workdir, 'modules.jsonl')}
    if way == 'recipe':
        return ['bash', os.path.join(HERE, 'recipe.sh'), args.quarantine, args.domain, str(args.page_size),
                str(args.batch_size), os.path.join(workdir, 'recipe'), sim.mail_log], {}
    return [args.python, os.path.join(HERE, 'floor.py'), 'replay', os.path.join(workdir, 'floor-plan.json')], {}


def prepare_floor(args, sim, workdir):
    """Write the floor's request list (untimed), then clear the request log it produced."""
    command = [args.python, os.path.join(HERE, 'floor.py'), 'plan', os.path.join(workdir, 'floor-plan.json'),
               '--quarantine', args.quarantine, '--domain', args.domain, '--page-size', str(args.page_size),
               '--batch-size', str(args.batch_size)]
    subprocess.run(command, cwd=REPO, env=sim.environment(), check=True, stdout=subprocess.DEVNULL)
    sim.admin('DELETE', '/_sim/requests')


def wait_for_quiet(max_load, max_wait):
    """Wait until the 1-minute load average is below ``max_load``, for at most ``max_wait`` seconds.

    Returns the load average when the way starts. Other work on the machine slows every way,
    but not by the same factor, so the ratios are only comparable when the machine is idle.
    """
    deadline = time.monotonic() + max_wait
    while max_load and os.getloadavg()[0] >= max_load and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def run_way(way, args, sim, workdir):
    """Run one way on a freshly reset simulator and return its measurements."""
    sim.admin('POST', '/_sim/reset')
    if way == 'floor':
        prepare_floor(args, sim, workdir)
    load = wait_for_quiet(args.max_load, args.max_wait)
    command, extra_env = way_command(way, args, sim, workdir)
    env = sim.environment()
    env.update(extra_env)
    modules_log = extra_env.get('BENCH_RSS_LOG')
    if modules_log and os.path.exists(modules_log):
        os.remove(modules_log)
    cpu_before = sim.cpu_seconds()
    log_path = os.path.join(workdir, way + '.log')
    measured = run_measured(command, env, log_path)
    sim_cpu = sim.cpu_seconds() - cpu_before
    if measured['rc'] != 0:
        raise BenchError('%s exited with %d; its output is in %s' % (way, measured['rc'], log_path))
    stats = sim.admin('GET', '/_sim/stats')
    sim.check_released()
    result = {'way': way, 'seconds': measured['seconds'], 'cpu_seconds': measured['cpu_seconds'],
              'requests': stats['requests'], 'by_method': stats['by_method'], 'bytes_in': stats['bytes_in'],
              'bytes_out': stats['bytes_out'], 'peak_rss_kb': measured['max_rss_kb'], 'simulator_cpu_seconds': sim_cpu,
              'load_at_start': load}
    if modules_log:
        with open(modules_log, encoding='utf-8') as handle:
            modules = [json.loads(line) for line in handle if line.strip()]
        result['modules'] = modules
        result['module_seconds'] = sum(entry['seconds'] for entry in modules)
        result['module_cpu_seconds'] = sum(entry['cpu_seconds'] for entry in modules)
        result['module_peak_rss_kb'] = max(entry['max_rss_kb'] for entry in modules)
    return result


# -- reporting ---------------------------------------------------------------------------------


def median_range(values, fmt):
    """Format the median of ``values`` with their range when there are several."""
    text = fmt % statistics.median(values)
    if len(values) > 1:
        text += ' (%s-%s)' % (fmt % min(values), fmt % max(values))
    return text


def summarize(size_result):
    """Return per-way medians and the per-repetition ratios of one size."""
    reps = size_result['repetitions']
    ways = [way for way in WAYS if all(way in rep for rep in reps)]
    summary = {'ways': {}, 'ratios': {}}
    for way in ways:
        runs = [rep[way] for rep in reps]
        entry = {key: statistics.median(run[key] for run in runs)
                 for key in ('seconds', 'cpu_seconds', 'requests', 'bytes_in', 'bytes_out', 'peak_rss_kb',
                             'simulator_cpu_seconds')}
        entry['seconds_all'] = [run['seconds'] for run in runs]
        entry['by_method'] = runs[0]['by_method']
        if 'module_seconds' in runs[0]:
            entry['module_seconds'] = statistics.median(run['module_seconds'] for run in runs)
            entry['module_cpu_seconds'] = statistics.median(run['module_cpu_seconds'] for run in runs)
            entry['per_module'] = {}
            for name in [module['module'] for module in runs[0]['modules']]:
                records = [module for run in runs for module in run['modules'] if module['module'] == name]
                entry['per_module'][name] = {key: statistics.median(record[key] for record in records)
                                             for key in ('seconds', 'cpu_seconds', 'max_rss_kb')}
            entry['module_peak_rss_kb'] = max(run['module_peak_rss_kb'] for run in runs)
        summary['ways'][way] = entry
    pairs = (('collection_over_floor', 'collection', 'floor', 'seconds'),
             ('modules_over_floor', 'collection', 'floor', 'module_seconds'),
             ('recipe_over_collection', 'recipe', 'collection', 'seconds'))
    for name, top, bottom, key in pairs:
        if top in ways and bottom in ways:
            summary['ratios'][name] = [rep[top][key] / rep[bottom]['seconds'] for rep in reps]
    return summary


def print_size(size_result, out):
    """Print the table of one size."""
    summary = size_result['summary']
    config = size_result['config']
    values = (size_result['size'], config['domain'], size_result['generated'], config['quarantine'],
              config['page_size'], config['batch_size'], config['concurrency'], len(size_result['repetitions']))
    out.write('\n%d messages from %s among %d in pvo quarantine %s; page_size %d, batch_size %d, concurrency %d; '
              '%d repetitions (median, range)\n' % values)
    out.write('Load average (1 min) before and after: %.2f, %.2f on %d cores\n'
              % (size_result['load_before'][0], size_result['load_after'][0], os.cpu_count()))
    header = ('way', 'wall time s', 'client CPU s', 'simulator CPU s', 'HTTP requests', 'GET/POST', 'MB sent',
              'MB received', 'peak RSS MB', 'module RSS MB')
    rows = [header]
    for way, entry in summary['ways'].items():
        methods = entry['by_method']
        rows.append((way, median_range(entry['seconds_all'], '%.2f'), '%.2f' % entry['cpu_seconds'],
                     '%.2f' % entry['simulator_cpu_seconds'], '%d' % entry['requests'],
                     '%d/%d' % (methods.get('GET', 0), methods.get('POST', 0)), '%.1f' % (entry['bytes_in'] / 1e6),
                     '%.1f' % (entry['bytes_out'] / 1e6), '%.0f' % (entry['peak_rss_kb'] / 1024),
                     '%.0f' % (entry['module_peak_rss_kb'] / 1024) if 'module_peak_rss_kb' in entry else '-'))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        out.write('  '.join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + '\n')
    collection = summary['ways'].get('collection')
    if collection:
        parts = ['%s %.2f s (CPU %.2f s, peak RSS %.0f MB)' % (name, record['seconds'], record['cpu_seconds'],
                                                               record['max_rss_kb'] / 1024)
                 for name, record in collection['per_module'].items()]
        out.write('collection modules: %s\n' % '; '.join(parts))
    labels = {'collection_over_floor': 'collection / floor (wall time)',
              'modules_over_floor': 'module processes / floor',
              'recipe_over_collection': 'recipe / collection (wall time)'}
    for name, values in summary['ratios'].items():
        out.write('%-34s %s\n' % (labels[name], median_range(values, '%.2f')))
    for line in target_lines(size_result):
        out.write(line + '\n')


def target_lines(size_result):
    """Return one line per target of the issue, with the measured value."""
    ways = size_result['summary']['ways']
    ratios = size_result['summary']['ratios']
    lines = []
    if 'collection' in ways and 'floor' in ways:
        extra = ways['collection']['requests'] - ways['floor']['requests']
        lines.append('target requests <= floor + 1: %s (%d extra)' % ('met' if extra <= 1 else 'MISSED', extra))
        ratio = statistics.median(ratios['collection_over_floor'])
        lines.append('target wall time <= 1.3 x floor: %s (%.2f x)' % ('met' if ratio <= 1.3 else 'MISSED', ratio))
    if 'recipe_over_collection' in ratios:
        ratio = statistics.median(ratios['recipe_over_collection'])
        lines.append('target recipe / collection >= 5: %s (%.2f x)' % ('met' if ratio >= 5 else 'MISSED', ratio))
    if 'collection' in ways:
        peak = ways['collection']['module_peak_rss_kb'] / 1024
        lines.append('target module peak RSS < 300 MB: %s (%.0f MB)' % ('met' if peak < 300 else 'MISSED', peak))
    return lines


def print_growth(results, out):
    """Print time and memory per message across sizes, to show how they grow."""
    if len(results) < 2:
        return
    out.write('\nGrowth: median wall time and peak RSS by size (time per message in microseconds)\n')
    for way in WAYS:
        cells = []
        for size_result in results:
            entry = size_result['summary']['ways'].get(way)
            if entry is None:
                continue
            rss = entry.get('module_peak_rss_kb', entry['peak_rss_kb']) / 1024
            per_message = entry['seconds'] / size_result['size'] * 1e6
            cells.append('%d: %.2f s, %.0f us/msg, %.0f MB' % (size_result['size'], entry['seconds'], per_message, rss))
        if cells:
            out.write('  %-10s %s\n' % (way, ' | '.join(cells)))


def machine():
    """Describe the machine, the interpreter and the tools."""
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            for line in handle:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ''
    try:
        with open('/proc/meminfo', encoding='utf-8') as handle:
            memory = '%.1f GiB' % (int(handle.readline().split()[1]) / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass

    def version(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return 'not found'

    return {'platform': platform.platform(), 'cpu': cpu, 'cores': os.cpu_count(), 'memory': memory,
            'python': sys.version.split()[0],
            'ansible_core': version([os.path.join(os_venv(), 'bin', 'ansible'), '--version']),
            'curl': version(['curl', '--version']), 'jq': version(['jq', '--version'])}


def os_venv():
    """Return the virtual environment of the interpreter that runs this script."""
    return os.path.dirname(os.path.dirname(sys.executable))


# -- main --------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--sizes', default='1000,10000,100000',
                        help='comma-separated message counts of the sender domain (default: 1000,10000,100000)')
    parser.add_argument('--repeat', type=int, default=3, help='repetitions per size (default: 3)')
    parser.add_argument('--ways', default=','.join(WAYS), help='comma-separated ways to run (default: all three)')
    parser.add_argument('--others', type=float, default=0.2,
                        help='other messages in the quarantine, as a fraction of the size (default: 0.2)')
    parser.add_argument('--quarantine', default='BULK', help='pvo quarantine name (default: BULK)')
    parser.add_argument('--domain', default='bulk.example', help='sender domain to release (default: bulk.example)')
    parser.add_argument('--page-size', type=int, default=100, help='messages per page, all ways (default: 100)')
    parser.add_argument('--batch-size', type=int, default=100, help='MIDs per release, all ways (default: 100)')
    parser.add_argument('--concurrency', type=int, default=1, help="the modules' concurrency option (default: 1)")
    parser.add_argument('--max-load', type=float, default=0.0,
                        help='before each way, wait until the 1-minute load average is below this (default: 0, no wait)')
    parser.add_argument('--max-wait', type=float, default=300.0,
                        help='seconds to wait for --max-load before running anyway (default: 300)')
    parser.add_argument('--work-dir', default=os.path.join(REPO, '.bench'), help='output folder (default: .bench)')
    args = parser.parse_args()
    args.python = sys.executable
    args.venv = os_venv()
    args.size_list = [int(size) for size in args.sizes.split(',') if size.strip()]
    args.way_list = [way.strip() for way in args.ways.split(',') if way.strip()]
    unknown = sorted(set(args.way_list) - set(WAYS))
    if unknown:
        parser.error('unknown way %s; choose from %s' % (', '.join(unknown), ', '.join(WAYS)))
    if args.repeat < 1 or any(size < 1 for size in args.size_list):
        parser.error('--repeat and every size must be at least 1')
    if 'recipe' in args.way_list:
        for tool in ('curl', 'jq'):
            if shutil.which(tool) is None:
                parser.error('%s is not installed; the recipe needs curl and jq (apt-get install -y curl jq)' % tool)
    return args


def main():
    exit_on_sigterm()
    args = parse_args()
    os.makedirs(args.work_dir, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    report = {'started': started.strftime('%Y-%m-%dT%H:%M:%SZ'), 'machine': machine(),
              'command': ' '.join(sys.argv), 'sizes': []}
    out = sys.stdout
    out.write('Machine: %(cpu)s, %(cores)s cores, %(memory)s; %(platform)s; Python %(python)s\n' % report['machine'])
    for size in args.size_list:
        workdir = os.path.join(args.work_dir, str(size))
        os.makedirs(workdir, exist_ok=True)
        sim = Simulator(args, size, workdir)
        size_result = {'size': size, 'generated': sim.generated, 'repetitions': [], 'load_before': os.getloadavg(),
                       'config': {key: getattr(args, key)
                                  for key in ('quarantine', 'domain', 'page_size', 'batch_size', 'concurrency')}}
        try:
            for rep in range(args.repeat):
                order = args.way_list[rep % len(args.way_list):] + args.way_list[:rep % len(args.way_list)]
                measured = {}
                for way in order:
                    measured[way] = run_way(way, args, sim, workdir)
                    out.write('  size %d, repetition %d: %-10s %6.2f s, %d requests, load %.2f\n'
                              % (size, rep + 1, way, measured[way]['seconds'], measured[way]['requests'],
                                 measured[way]['load_at_start']))
                    out.flush()
                size_result['repetitions'].append(measured)
        finally:
            sim.stop()
        size_result['load_after'] = os.getloadavg()
        size_result['summary'] = summarize(size_result)
        report['sizes'].append(size_result)
        print_size(size_result, out)
    print_growth(report['sizes'], out)
    path = os.path.join(args.work_dir, 'results-%s.json' % started.strftime('%Y%m%dT%H%M%SZ'))
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
    out.write('\nFull results: %s\n' % path)


if __name__ == '__main__':
    try:
        main()
    except BenchError as error:
        sys.exit('bench.py: %s' % error)
