"""Starter manifests for the playground's YAML editor.

Each is a small, idiomatic manifest shaped like the examples on the kubernetes.io concept
and task pages (named in each comment), using images from ClusterLab's registry catalogue
(`engine/runtime/catalogue.py`) so it runs in the simulator. Every container requests CPU
and memory: the scheduler places pods by requests, and the HPA measures against them.
The opening comment says what the manifest does and one thing to try.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ManifestTemplate:
    key: str  # URL-safe: used in the editor's template picker and its URLs
    title: str
    yaml: str


_DEPLOYMENT_DOC = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
          limits:
            memory: 128Mi
"""

_SERVICE_DOC = """\
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  type: ClusterIP
  selector:
    app: nginx
  ports:
  - name: http
    protocol: TCP
    port: 80
    targetPort: 80
"""

DEPLOYMENT = f"""\
# A Deployment keeps 3 identical nginx Pods running, replacing any that fail
# (kubernetes.io/docs/concepts/workloads/controllers/deployment/).
# Try: change replicas to 5 and apply again, then kubectl get pods -l app=nginx
{_DEPLOYMENT_DOC}"""

SERVICE = f"""\
# A ClusterIP Service gives the Pods labelled app=nginx one stable virtual IP and DNS
# name, and spreads connections over them
# (kubernetes.io/docs/concepts/services-networking/service/).
# Try: apply the Deployment template too, then kubectl describe service nginx
{_SERVICE_DOC}"""

DEPLOYMENT_AND_SERVICE = f"""\
# A Deployment and the Service in front of it, in one file: documents are separated
# by a line with three dashes, and kubectl applies them in order.
# Try: sim request nginx --count 6, then delete one of the Pods and send requests again
{_DEPLOYMENT_DOC}---
{_SERVICE_DOC}"""

POD = """\
# A single Pod running nginx (kubernetes.io/docs/concepts/workloads/pods/).
# Nothing recreates a bare Pod: in practice you let a Deployment or a Job make them.
# Try: kubectl delete pod hello, then kubectl get pods: unlike a Deployment's, it is gone
apiVersion: v1
kind: Pod
metadata:
  name: hello
  labels:
    app: hello
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
    resources:
      requests:
        cpu: 100m
        memory: 64Mi
      limits:
        memory: 128Mi
"""

JOB = """\
# A Job runs a Pod to completion: this one computes pi to 2000 places and exits
# (kubernetes.io/docs/concepts/workloads/controllers/job/).
# Try: kubectl logs job/pi, then set completions: 3 and parallelism: 2 under a new name
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
  labels:
    app: pi
spec:
  backoffLimit: 4
  template:
    metadata:
      labels:
        app: pi
    spec:
      restartPolicy: Never
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]
        resources:
          requests:
            cpu: 500m
            memory: 64Mi
"""

CRONJOB = """\
# A CronJob creates a Job on a schedule, here every minute
# (kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/).
# Try: sim advance 5m, then kubectl get jobs: only the last 3 successful Jobs are kept
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
  labels:
    app: hello-cron
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app: hello-cron
        spec:
          restartPolicy: OnFailure
          containers:
          - name: hello
            image: busybox:1.36
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
            resources:
              requests:
                cpu: 50m
                memory: 16Mi
"""

HPA = """\
# A HorizontalPodAutoscaler adds php-apache Pods when their average CPU use passes 50%
# of what they request, and removes them when load falls
# (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/).
# Try: sim traffic php-apache --rps 20 --ramp 1m, sim advance 3m, kubectl get hpa php-apache
apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
  labels:
    app: php-apache
spec:
  replicas: 1
  selector:
    matchLabels:
      app: php-apache
  template:
    metadata:
      labels:
        app: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          requests:
            cpu: 200m
            memory: 64Mi
          limits:
            cpu: 500m
            memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    app: php-apache
spec:
  selector:
    app: php-apache
  ports:
  - port: 80
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
  labels:
    app: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
"""

PVC = """\
# A PersistentVolumeClaim asks for 1Gi of storage; the default StorageClass provisions
# a volume for it, and the Pod mounts it at /data
# (kubernetes.io/docs/concepts/storage/persistent-volumes/).
# Try: kubectl get pvc,pv, then delete the Pod and recreate it: the file is still there
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  labels:
    app: notes
spec:
  accessModes:
  - ReadWriteOnce
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: notes
  labels:
    app: notes
spec:
  containers:
  - name: notes
    image: busybox:1.36
    command: ["sh", "-c", "date >> /data/notes.txt; sleep 3600"]
    volumeMounts:
    - name: data
      mountPath: /data
    resources:
      requests:
        cpu: 50m
        memory: 16Mi
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
"""

CONFIGMAP = """\
# A ConfigMap holds configuration apart from the image; this Pod reads one key as an
# environment variable and mounts the others as files
# (kubernetes.io/docs/concepts/configuration/configmap/).
# Try: kubectl exec configmap-demo -- cat /config/game.properties
apiVersion: v1
kind: ConfigMap
metadata:
  name: game-demo
  labels:
    app: game-demo
data:
  player_initial_lives: "3"
  ui_properties_file_name: user-interface.properties
  game.properties: |
    enemy.types=aliens,monsters
    player.maximum-lives=5
  user-interface.properties: |
    color.good=purple
    color.bad=yellow
---
apiVersion: v1
kind: Pod
metadata:
  name: configmap-demo
  labels:
    app: game-demo
spec:
  containers:
  - name: demo
    image: busybox:1.36
    command: ["sh", "-c", "echo lives=$PLAYER_INITIAL_LIVES; sleep 3600"]
    env:
    - name: PLAYER_INITIAL_LIVES
      valueFrom:
        configMapKeyRef:
          name: game-demo
          key: player_initial_lives
    volumeMounts:
    - name: config
      mountPath: /config
      readOnly: true
    resources:
      requests:
        cpu: 50m
        memory: 16Mi
  volumes:
  - name: config
    configMap:
      name: game-demo
      items:
      - key: game.properties
        path: game.properties
      - key: user-interface.properties
        path: user-interface.properties
"""

STATEFULSET = """\
# A StatefulSet gives each Pod a stable name (web-0, web-1, web-2) and its own
# PersistentVolumeClaim; the headless Service (clusterIP: None) gives each a DNS name
# (kubernetes.io/docs/concepts/workloads/controllers/statefulset/).
# Try: kubectl delete pod web-1 and watch it come back with the same name and volume
apiVersion: v1
kind: Service
metadata:
  name: nginx-headless
  labels:
    app: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - name: web
    port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels:
    app: web
spec:
  serviceName: nginx-headless
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.27
        ports:
        - name: web
          containerPort: 80
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes:
      - ReadWriteOnce
      resources:
        requests:
          storage: 1Gi
"""

DAEMONSET = """\
# A DaemonSet runs one copy of a Pod on every node, here a log collector that reads
# the node's /var/log (kubernetes.io/docs/concepts/workloads/controllers/daemonset/).
# Try: sim node add node-4, then kubectl get pods -l app=fluentd-logging -o wide
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  labels:
    app: fluentd-logging
spec:
  selector:
    matchLabels:
      app: fluentd-logging
  template:
    metadata:
      labels:
        app: fluentd-logging
    spec:
      tolerations:
      # run on control plane nodes too; remove it if they should not run this Pod
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v5.0.1
        resources:
          requests:
            cpu: 100m
            memory: 200Mi
          limits:
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
"""

NAMESPACE = """\
# A Namespace groups objects and scopes their names: two teams can each have a
# Deployment called web (kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/).
# Try: add namespace: dev under a Deployment's metadata, apply it, then kubectl get pods -n dev
apiVersion: v1
kind: Namespace
metadata:
  name: dev
  labels:
    environment: dev
"""

RESOURCE_QUOTA = """\
# A ResourceQuota caps what one namespace may use in total; with cpu and memory in
# the quota, every Pod there must set requests and limits for them (or get defaults
# from a LimitRange) (kubernetes.io/docs/concepts/policy/resource-quotas/).
# Try: kubectl scale deployment api -n team-a --replicas 5, then kubectl describe quota -n team-a
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute-resources
  namespace: team-a
spec:
  hard:
    pods: "10"
    requests.cpu: "1"
    requests.memory: 1Gi
    limits.cpu: "2"
    limits.memory: 2Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: team-a
  labels:
    app: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: gcr.io/google-samples/hello-app:1.0
        ports:
        - containerPort: 8080
        resources:
          requests:
            cpu: 250m
            memory: 64Mi
          limits:
            cpu: 500m
            memory: 128Mi
"""

GPU_DEPLOYMENT = """\
# A Deployment whose Pod needs a GPU. GPUs are asked for under limits (the request
# defaults to the limit), and the toleration lets the Pod onto GPU nodes tainted
# nvidia.com/gpu (kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/).
# Try: kubectl describe pods -l app=recommender-gpu, then sim node add gpu-1 --gpus 1
apiVersion: apps/v1
kind: Deployment
metadata:
  name: recommender-gpu
  labels:
    app: recommender-gpu
spec:
  replicas: 1
  selector:
    matchLabels:
      app: recommender-gpu
  template:
    metadata:
      labels:
        app: recommender-gpu
    spec:
      tolerations:
      - key: nvidia.com/gpu
        operator: Exists
        effect: NoSchedule
      containers:
      - name: serve
        image: docker.io/clusterlab/serve:1.1
        ports:
        - containerPort: 8080
        resources:
          requests:
            cpu: 500m
            memory: 512Mi
          limits:
            memory: 1Gi
            nvidia.com/gpu: 1
"""

TEMPLATES: dict[str, ManifestTemplate] = {
    template.key: template
    for template in (
        ManifestTemplate("deployment", "Deployment (3 nginx replicas)", DEPLOYMENT),
        ManifestTemplate("service", "Service (ClusterIP in front of nginx)", SERVICE),
        ManifestTemplate(
            "deployment-service", "Deployment + Service (two documents)", DEPLOYMENT_AND_SERVICE
        ),
        ManifestTemplate("pod", "Pod (a single nginx)", POD),
        ManifestTemplate("job", "Job (compute pi, run to completion)", JOB),
        ManifestTemplate("cronjob", "CronJob (hello every minute)", CRONJOB),
        ManifestTemplate("hpa", "HorizontalPodAutoscaler (php-apache, CPU 50%)", HPA),
        ManifestTemplate("pvc", "PersistentVolumeClaim + a Pod that mounts it", PVC),
        ManifestTemplate("configmap", "ConfigMap + a Pod that reads it", CONFIGMAP),
        ManifestTemplate("statefulset", "StatefulSet + headless Service", STATEFULSET),
        ManifestTemplate("daemonset", "DaemonSet (a log collector on every node)", DAEMONSET),
        ManifestTemplate("namespace", "Namespace", NAMESPACE),
        ManifestTemplate("resourcequota", "ResourceQuota (in its own namespace)", RESOURCE_QUOTA),
        ManifestTemplate("gpu-deployment", "Deployment that needs a GPU", GPU_DEPLOYMENT),
    )
}
