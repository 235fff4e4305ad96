// What the ingest port's HTTP exchanges cost on this machine before any of the application's work: the --devices
// workload's requests and answers without Vert.x, Kafka, JSON or a JVM. A forked client keeps N keep-alive loopback
// connections (1,024, as the devices mode's phones) and sends an OsmAnd fix request (`GET /?id=…&lat=…`, about 200
// bytes) on each in turn at `rate` a second, one request in flight per connection, as a phone waits for its answer;
// the server reads each request with epoll and writes `200 OK` with an empty body. Prints the server's and the
// client's user and system CPU per request (getrusage), and the requests answered. README Performance, --devices.
//
//   gcc -O2 -o /tmp/request-floor src/bench/native/request-floor.c && (ulimit -n 20000; /tmp/request-floor 1024 20000 30)
//
// Arguments: connections, requests a second, seconds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

static const char REQUEST[] = "GET /?id=phone-000123&lat=52.520008&lon=13.404954&timestamp=1764700000&speed=12.5"
    "&bearing=271.0&altitude=34.0&accuracy=5.0&batt=87 HTTP/1.1\r\nHost: localhost:5055\r\n"
    "User-Agent: Traccar Client\r\n\r\n";
static const char ANSWER[] = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";

static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
static double cpu(struct rusage *a, struct rusage *b, int sys){
  struct timeval x=sys?a->ru_stime:a->ru_utime, y=sys?b->ru_stime:b->ru_utime;
  return (y.tv_sec-x.tv_sec)+(y.tv_usec-x.tv_usec)/1e6;
}
static int one=1;

// The phones: every 5 ms, rate/200 requests, each on the next connection that has its answer back.
static void client(struct sockaddr_in *a,int n,int rate,int secs,int report){
  int ep=epoll_create1(0); int *fd=malloc(n*sizeof(int)); char *busy=calloc(n,1); char buf[4096];
  for(int i=0;i<n;i++){fd[i]=socket(AF_INET,SOCK_STREAM,0); if(connect(fd[i],(void*)a,sizeof *a)){perror("connect");exit(1);}
    setsockopt(fd[i],IPPROTO_TCP,TCP_NODELAY,&one,sizeof one); fcntl(fd[i],F_SETFL,O_NONBLOCK);
    struct epoll_event e={.events=EPOLLIN,.data.u32=i}; epoll_ctl(ep,EPOLL_CTL_ADD,fd[i],&e);}
  struct rusage r0,r1; getrusage(RUSAGE_SELF,&r0); double t0=now(), tick=t0; long sent=0, answered=0, skipped=0; int next=0;
  struct epoll_event ev[256];
  while(now()-t0<secs){
    int due=rate/200;
    for(int k=0;k<due;k++){int tries=0; while(busy[next]&&tries<n){next=(next+1)%n;tries++;}
      if(busy[next]){skipped++;continue;}
      if(write(fd[next],REQUEST,sizeof REQUEST-1)!=sizeof REQUEST-1){perror("write");exit(1);} busy[next]=1; sent++; next=(next+1)%n;}
    tick+=0.005;
    for(;;){double w=tick-now(); int ms=w>0?(int)(w*1000)+1:0; int k=epoll_wait(ep,ev,256,ms); // +1: no spinning
      for(int i=0;i<k;i++){int c=ev[i].data.u32; if(read(fd[c],buf,sizeof buf)>0){busy[c]=0;answered++;}}
      if(now()>=tick) break;}
  }
  getrusage(RUSAGE_SELF,&r1); double el=now()-t0;
  char line[512]; int len=snprintf(line,sizeof line,"client: %ld requests sent, %ld answered in %.1f s (%.0f/s), %ld not sent (all connections waiting); user %.2f us, system %.2f us per request (%.3f cores)\n",
    sent,answered,el,answered/el,skipped,cpu(&r0,&r1,0)*1e6/answered,cpu(&r0,&r1,1)*1e6/answered,(cpu(&r0,&r1,0)+cpu(&r0,&r1,1))/el);
  if(write(report,line,len)!=len) exit(1);
  exit(0);
}

int main(int argc,char**argv){
  int n=argc>1?atoi(argv[1]):1024, rate=argc>2?atoi(argv[2]):20000, secs=argc>3?atoi(argv[3]):30;
  int ls=socket(AF_INET,SOCK_STREAM,0); setsockopt(ls,SOL_SOCKET,SO_REUSEADDR,&one,sizeof one);
  struct sockaddr_in a={0}; a.sin_family=AF_INET; a.sin_addr.s_addr=htonl(INADDR_LOOPBACK); a.sin_port=0;
  bind(ls,(void*)&a,sizeof a); listen(ls,4096); socklen_t al=sizeof a; getsockname(ls,(void*)&a,&al);
  int report[2]; if(pipe(report)) return 1;
  pid_t child=fork();
  if(child==0){close(report[0]); client(&a,n,rate,secs,report[1]);}
  close(report[1]);
  int ep=epoll_create1(0); char buf[4096];
  for(int i=0;i<n;i++){int s=accept(ls,0,0); setsockopt(s,IPPROTO_TCP,TCP_NODELAY,&one,sizeof one); fcntl(s,F_SETFL,O_NONBLOCK);
    struct epoll_event e={.events=EPOLLIN,.data.fd=s}; epoll_ctl(ep,EPOLL_CTL_ADD,s,&e);}
  struct rusage r0,r1; getrusage(RUSAGE_SELF,&r0); double t0=now(); long answers=0; int open=n;
  struct epoll_event ev[256];
  while(open>0){int k=epoll_wait(ep,ev,256,-1);
    for(int i=0;i<k;i++){ssize_t r=read(ev[i].data.fd,buf,sizeof buf);
      if(r<=0){close(ev[i].data.fd);open--;continue;}
      if(write(ev[i].data.fd,ANSWER,sizeof ANSWER-1)!=sizeof ANSWER-1){perror("answer");return 1;} answers++;}}
  getrusage(RUSAGE_SELF,&r1); double el=now()-t0;
  char line[512]; ssize_t len=read(report[0],line,sizeof line-1); if(len>0){line[len]=0; fputs(line,stdout);}
  printf("server: %ld answers; user %.2f us, system %.2f us per request (%.3f cores over %.1f s)\n",answers,
    cpu(&r0,&r1,0)*1e6/answers,cpu(&r0,&r1,1)*1e6/answers,(cpu(&r0,&r1,0)+cpu(&r0,&r1,1))/el,el);
  waitpid(child,0,0); return 0;
}
